import Foundation
import HISPayCore

extension HTMLReport {
    /// The hospital group's page: an overview line per merchant (campus), then a section per
    /// merchant with how each statement was had, the HIS rows left for a later run, and its day.
    static func groupPage(_ group: GroupReport) -> String {
        let l = Labels(language: group.language, channelNames: group.sections.first?.report.context?.channelNames ?? [:])
        let title = l.text("全院区对账报告", "Reconciliation report, all campuses")
        var html = head("\(title) \(escape(group.date))", group.language)
        html += "<h1>\(title) <span data-field=\"date\">\(escape(group.date))</span></h1>\n"
        html += "<p class=\"meta\">\(l.text("生成时间", "Generated")) <span data-field=\"generatedAt\">\(BeijingTime.format(group.generatedAt))</span> (+08:00) · "
        html += "\(l.text("结论", "Verdict")) <strong data-field=\"attention\">\(attention(group.attention, l))</strong></p>\n"
        html += "<table id=\"merchants\"><tr><th>\(l.text("商户（院区）", "Merchant (campus)"))</th><th>\(l.text("账单", "Statements"))</th>"
        html += "<th>\(l.text("已对平", "Matched"))</th><th>\(l.text("差异", "Discrepancies"))</th><th>\(l.text("跨日", "Carried over"))</th></tr>\n"
        for section in group.sections {
            let states = section.statements.map { "\(l.channel($0.channel)) \(state($0.state, l))" }.joined(separator: "，")
            html += "<tr data-merchant=\"\(escape(section.merchant))\"><td><a href=\"#merchant-\(escape(section.merchant))\">\(escape(section.merchant))</a></td>"
            html += "<td>\(escape(states))</td><td class=\"num\">\(section.report.summary.matched)</td>"
            html += "<td class=\"num\">\(section.report.discrepancies.count)</td><td class=\"num\">\(section.report.summary.carriedOver)</td></tr>\n"
        }
        html += "</table>\n" + partners(group.partners, l)
        for section in group.sections {
            html += "<section id=\"merchant-\(escape(section.merchant))\"><h2>\(l.text("商户", "Merchant")) \(escape(section.merchant))</h2>\n"
            html += meta(section.report, l)
            html += "<table class=\"statements\"><tr><th>\(l.text("渠道", "Channel"))</th><th>\(l.text("账单", "Statement"))</th>"
            html += "<th>\(l.text("尝试次数", "Attempts"))</th><th>\(l.text("说明", "Note"))</th></tr>\n"
            for statement in section.statements {
                html += "<tr data-statement=\"\(escape(statement.channel.rawValue))\"><td>\(escape(l.channel(statement.channel)))</td>"
                html += "<td>\(state(statement.state, l))</td><td class=\"num\">\(statement.attempts)</td><td>\(escape(statement.problem ?? ""))</td></tr>\n"
            }
            html += "</table>\n"
            let unavailable = Set(section.statements.filter { $0.state == .unavailable }.map(\.channel.rawValue))
            for (channel, bucket) in section.notReconciled.sorted(by: { $0.key < $1.key }) {
                let name = escape(l.channel(ChannelID(channel)))
                html += "<p class=\"bad\">" + (unavailable.contains(channel)
                    ? l.text(
                        "\(name) 的 \(bucket.count) 笔 HIS 记录（\(bucket.amount.yuanString) 元）今日未对账，已转入下次对账；账单出来后重跑本日。",
                        "\(bucket.count) HIS rows of \(name) (\(bucket.amount.yuanString)) were not reconciled today and are carried to the next run; rerun this day once the statement is out.")
                    : l.text(
                        "\(name) 的 \(bucket.count) 笔 HIS 记录（\(bucket.amount.yuanString) 元）无按日下载的账单，不在夜间对账中：请用 --statement 对账。",
                        "\(bucket.count) HIS rows of \(name) (\(bucket.amount.yuanString)) have no daily statement download and are not in the nightly run: reconcile them with --statement."))
                html += "</p>\n"
            }
            html += body(section.report, l) + "</section>\n"
        }
        return html + "</body></html>\n"
    }

    private static func state(_ state: GroupReport.Statement.State, _ l: Labels) -> String {
        switch state {
        case .downloaded: l.text("已下载", "downloaded")
        case .empty: l.text("当日无交易", "no trades that day")
        case .unavailable: l.text("未取得", "unavailable")
        }
    }

    private static func attention(_ attention: GroupReport.Attention, _ l: Labels) -> String {
        switch attention {
        case .none: l.text("全部对平，无需处理", "everything matched: nothing to do")
        case .discrepancies: l.text("有差异待处理", "discrepancies to look at")
        case .incomplete: l.text("有账单未取得，部分未对账", "a statement is missing: part of the day is not reconciled")
        }
    }
}
