import Foundation
import HISPayCore

/// The finance staff's page: self-contained HTML (inline CSS and SVG, no scripts, no network), in
/// the report's language (Chinese unless the context says English). Every number carries a
/// `data-field` attribute so a test can read the rendered page back and compare it with `report.json`.
enum HTMLReport {
    static func page(_ report: ReconciliationReport) -> String {
        let language = report.context?.language ?? .en
        let l = Labels(language: language, channelNames: report.context?.channelNames ?? [:])
        let title = l.text("对账报告", "Reconciliation report")
        return head("\(title) \(escape(report.date))", language) + "<h1>\(title) <span data-field=\"date\">\(escape(report.date))</span></h1>\n"
            + meta(report, l) + body(report, l) + "</body></html>\n"
    }

    /// The page's head and style, up to the opening of its body.
    static func head(_ title: String, _ language: ReportLanguage) -> String {
        """
        <!DOCTYPE html>
        <html lang="\(language == .zh ? "zh-CN" : "en")"><head><meta charset="utf-8"><title>\(title)</title>
        <style>
        body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:24px;color:#222}
        table{border-collapse:collapse;margin:12px 0}th,td{border:1px solid #ccc;padding:4px 8px;text-align:left}
        td.num{text-align:right;font-variant-numeric:tabular-nums}.bad{color:#b00}.meta{color:#555}
        section{border-top:3px solid #888;margin-top:32px}
        </style></head><body>

        """
    }

    /// One day's results: the counts, totals, buckets, chart and rows.
    static func body(_ report: ReconciliationReport, _ l: Labels) -> String {
        let summary = report.summary
        let counts: [(String, Int)] = [
            ("matched", summary.matched), ("channelOnly", summary.channelOnly), ("hisOnly", summary.hisOnly), ("amountMismatch", summary.amountMismatch),
            ("statusMismatch", summary.statusMismatch), ("duplicate", summary.duplicate), ("carriedOver", summary.carriedOver),
            ("closed", summary.closed), ("authorization", summary.authorization), ("unclassified", summary.unclassified),
        ]
        var html = "<table id=\"summary\"><tr>" + counts.map { "<th>\(l.kind($0.0))</th>" }.joined() + "</tr><tr>"
        html += counts.map { #"<td class="num" data-field="summary.\#($0.0)">\#($0.1)</td>"# }.joined() + "</tr></table>\n"
        html += "<h2>\(l.text("合计（元）", "Totals (yuan)"))</h2><table id=\"totals\"><tr><th>\(l.text("渠道", "Channel"))</th><th>\(l.text("收/退", "Kind"))</th>"
        html += "<th>\(l.text("HIS 笔数", "HIS rows"))</th><th>\(l.text("HIS 金额", "HIS amount"))</th><th>\(l.text("渠道笔数", "Channel rows"))</th>"
        html += "<th>\(l.text("渠道金额", "Channel amount"))</th><th>\(l.text("手续费", "Fee"))</th><th>\(l.text("已对平金额", "Matched amount"))</th></tr>\n"
        for total in report.totals {
            let id = "\(total.channel.rawValue).\(total.kind.name)"
            html += "<tr><td>\(escape(l.channel(total.channel)))</td><td>\(escape(l.record(total.kind)))</td>"
            html += cell("totals.\(id).hisCount", "\(total.hisCount)") + cell("totals.\(id).hisAmount", total.hisAmount.yuanString)
            html += cell("totals.\(id).channelCount", "\(total.channelCount)") + cell("totals.\(id).channelAmount", total.channelAmount.yuanString)
            html += cell("totals.\(id).fee", total.fee.yuanString) + cell("totals.\(id).matchedAmount", total.matchedAmount.yuanString) + "</tr>\n"
        }
        html += "</table>\n<p class=\"meta\">" + l.text(
            "手续费按渠道账单记：收款的手续费为正，退款时渠道退还的手续费为负。",
            "Fees are as the statement states them: positive on payments, negative on refunds (the fee the channel returns).") + "</p>\n"
        html += platformTotals(report.platformTotals, l) + buckets(report, l) + partners(report.partners, l)
        html += "<h2>\(l.text("已对平与差异金额（元）", "Matched vs. discrepant (yuan)"))</h2>\n" + chart(report, l)
        html += "<h2>\(l.text("差异明细", "Discrepancies"))</h2><table id=\"discrepancies\">" + rowHeader(l, action: true)
        for item in report.discrepancies { html += row(item, l, attribute: "data-kind", action: true) }
        html += "</table>\n"
        if !report.otherRows.isEmpty {
            html += "<h2>\(l.text("跨日、已关闭与预授权（今日无需处理）", "Carried over, closed and pre-authorisations (nothing to do today)"))</h2><table id=\"other\">" + rowHeader(l, action: false)
            for item in report.otherRows { html += row(item, l, attribute: "data-other-kind", action: false) }
            html += "</table>\n"
        }
        if !report.repairedRows.isEmpty {
            html += "<h2>\(l.text("修复读取的行", "Rows read with a repair"))</h2><table id=\"repaired\"><tr><th>\(l.text("渠道", "Channel"))</th>"
            html += "<th>\(l.text("收/退", "Kind"))</th><th>\(l.text("商户订单号", "Order no."))</th><th>\(l.text("退款单号", "Refund no."))</th>"
            html += "<th>\(l.text("金额", "Amount"))</th><th>\(l.text("说明", "Repair"))</th></tr>\n"
            for row in report.repairedRows {
                html += "<tr><td>\(escape(l.channel(row.channel)))</td><td>\(escape(l.record(row.kind)))</td><td>\(escape(row.outTradeNo))</td>"
                html += "<td>\(escape(row.outRefundNo ?? ""))</td><td class=\"num\">\(row.amount.yuanString)</td><td>\(escape(row.repair))</td></tr>\n"
            }
            html += "</table>\n"
        }
        return html
    }

    /// When, for whom and from which files.
    static func meta(_ report: ReconciliationReport, _ l: Labels) -> String {
        guard let context = report.context else { return "" }
        var html = "<p class=\"meta\">\(l.text("生成时间", "Generated")) <span data-field=\"generatedAt\">\(BeijingTime.format(context.generatedAt))</span> (+08:00)"
        if let merchant = context.merchant { html += " · \(l.text("商户", "Merchant")) <span data-field=\"merchant\">\(escape(merchant))</span>" }
        for (channel, account) in context.accounts.sorted(by: { $0.key < $1.key }) {
            html += " · \(escape(l.channel(ChannelID(channel)))) \(l.text("账户", "account")) \(escape(account))"
        }
        html += "</p>\n"
        guard !context.inputs.isEmpty else { return html }
        html += "<table id=\"inputs\"><tr><th>\(l.text("输入文件", "Input file"))</th><th>\(l.text("用途", "Role"))</th><th>\(l.text("行数", "Rows"))</th><th>SHA-256</th></tr>\n"
        for input in context.inputs {
            html += "<tr><td>\(escape(input.file))</td><td>\(escape(input.role))</td><td class=\"num\">\(input.rows)</td><td><code>\(input.sha256)</code></td></tr>\n"
        }
        return html + "</table>\n"
    }

    /// Where each side's rows went, per channel and kind: the total, then every bucket, so that the
    /// total = matched + the other buckets can be checked by hand.
    static func buckets(_ report: ReconciliationReport, _ l: Labels) -> String {
        let names = ReconciliationReport.Buckets().named.map(\.name)
        var html = "<h2>\(l.text("合计 = 各项之和（元）", "Totals = matched + buckets (yuan)"))</h2><table id=\"buckets\"><tr><th>\(l.text("渠道", "Channel"))</th>"
        html += "<th>\(l.text("收/退", "Kind"))</th><th>\(l.text("方", "Side"))</th><th>\(l.text("合计", "Total"))</th>"
        html += names.map { "<th>\(l.bucket($0))</th>" }.joined() + "</tr>\n"
        for total in report.totals {
            let id = "\(total.channel.rawValue).\(total.kind.name)"
            for (side, buckets, amount) in [("his", total.hisBuckets, total.hisAmount), ("channel", total.channelBuckets, total.channelAmount)] {
                html += "<tr><td>\(escape(l.channel(total.channel)))</td><td>\(escape(l.record(total.kind)))</td>"
                html += "<td>\(side == "his" ? "HIS" : l.text("渠道", "Channel"))</td>" + cell("buckets.\(id).\(side).total", amount.yuanString)
                html += buckets.named.map { cell("buckets.\(id).\(side).\($0.name)", $0.bucket.amount.yuanString) }.joined() + "</tr>\n"
            }
        }
        return html + "</table>\n"
    }

    static func rowHeader(_ l: Labels, action: Bool) -> String {
        var html = "<tr><th>\(l.text("类型", "Kind"))</th><th>\(l.text("渠道", "Channel"))</th><th>\(l.text("收/退", "Payment/refund"))</th>"
        html += "<th>\(l.text("商户订单号", "Order no."))</th><th>\(l.text("退款单号", "Refund no."))</th><th>\(l.text("结算号", "Settlement"))</th>"
        html += "<th>\(l.text("HIS 金额", "HIS amount"))</th><th>\(l.text("渠道金额", "Channel amount"))</th><th>\(l.text("时间", "Time"))</th>"
        return html + "<th>\(l.text("说明", "Note"))</th>" + (action ? "<th>\(l.text("建议处理", "Action"))</th>" : "") + "</tr>\n"
    }

    static func row(_ item: Discrepancy, _ l: Labels, attribute: String, action: Bool) -> String {
        var html = "<tr \(attribute)=\"\(escape(item.kind.name))\"><td class=\"bad\">\(escape(l.kind(item.kind.name)))</td><td>\(escape(l.channel(item.channel)))</td>"
        html += "<td>\(escape(l.record(item.recordKind)))</td><td>\(escape(item.outTradeNo))</td><td>\(escape(item.outRefundNo ?? ""))</td>"
        html += "<td>\(escape(item.settlementID ?? ""))</td><td class=\"num\">\(item.hisAmount?.yuanString ?? "")</td>"
        html += "<td class=\"num\">\(item.channelAmount?.yuanString ?? "")</td><td>\(BeijingTime.format(item.time))</td><td>\(escape(item.note))</td>"
        return html + (action ? "<td>\(escape(item.action))</td>" : "") + "</tr>\n"
    }

    /// Bars per channel, payments and refunds apart: the matched amount and the amount in
    /// discrepancies (both sides' larger), with a legend. Pre-authorisations move no money: not charted.
    static func chart(_ report: ReconciliationReport, _ l: Labels) -> String {
        struct Key: Hashable, Comparable {
            let channel: String
            let kind: String
            static func < (a: Key, b: Key) -> Bool { (a.channel, a.kind) < (b.channel, b.kind) }
        }
        var bars: [Key: (matched: Int64, discrepant: Int64)] = [:]
        for total in report.totals where !total.kind.isAuthorization { bars[Key(channel: total.channel.rawValue, kind: total.kind.name), default: (0, 0)].matched += total.matchedAmount.fen }
        for item in report.discrepancies where !item.recordKind.isAuthorization {
            bars[Key(channel: item.channel.rawValue, kind: item.recordKind.name), default: (0, 0)].discrepant += max(item.hisAmount?.fen ?? 0, item.channelAmount?.fen ?? 0)
        }
        let keys = bars.keys.sorted()
        let largest = max(1, bars.values.map { max($0.matched, $0.discrepant) }.max() ?? 1)
        let rowHeight = 44
        var svg = #"<svg xmlns="http://www.w3.org/2000/svg" width="760" height="\#(keys.count * rowHeight + 44)" role="img" aria-label="\#(l.text("已对平与差异金额", "matched vs discrepant"))">"#
        svg += #"<rect x="150" y="4" width="14" height="12" fill="seagreen"/><text x="170" y="14" font-size="12">\#(l.text("已对平", "matched"))</text>"#
        svg += #"<rect x="260" y="4" width="14" height="12" fill="firebrick"/><text x="280" y="14" font-size="12">\#(l.text("差异（两方较大者）", "in discrepancies (the larger side)"))</text>"#
        for (index, key) in keys.enumerated() {
            let values = bars[key] ?? (0, 0)
            let y = index * rowHeight + 30
            let matchedWidth = Int(Double(values.matched) / Double(largest) * 500)
            let discrepantWidth = Int(Double(values.discrepant) / Double(largest) * 500)
            svg += #"<text x="0" y="\#(y + 14)" font-size="13">\#(escape(l.channel(ChannelID(key.channel)))) \#(escape(l.record(StatementRecord.Kind(key.kind))))</text>"#
            svg += #"<rect x="150" y="\#(y)" width="\#(matchedWidth)" height="16" fill="seagreen"/>"#
            svg += #"<text x="\#(156 + matchedWidth)" y="\#(y + 13)" font-size="12">\#(Amount(fen: values.matched).yuanString)</text>"#
            svg += #"<rect x="150" y="\#(y + 18)" width="\#(discrepantWidth)" height="16" fill="firebrick"/>"#
            svg += #"<text x="\#(156 + discrepantWidth)" y="\#(y + 31)" font-size="12">\#(Amount(fen: values.discrepant).yuanString)</text>"#
        }
        return svg + "</svg>\n"
    }

    static func cell(_ field: String, _ value: String) -> String { #"<td class="num" data-field="\#(field)">\#(value)</td>"# }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// The page's words in its language: result kinds and buckets as finance staff say them.
    struct Labels {
        let language: ReportLanguage
        let channelNames: [String: String]

        func text(_ zh: String, _ en: String) -> String { language.pick(zh, en) }

        func channel(_ id: ChannelID) -> String { channelNames[id.rawValue] ?? id.rawValue }

        func record(_ kind: StatementRecord.Kind) -> String {
            switch kind {
            case .payment: text("收款", "payment")
            case .refund: text("退款", "refund")
            case .freeze: text("预授权冻结", "pre-auth freeze")
            case .release: text("预授权撤销", "pre-auth release")
            case .unclassified: text("未分类", "unclassified")
            default: kind.name
            }
        }

        func kind(_ name: String) -> String { (language == .zh ? Self.chinese : Self.english)[name] ?? name }

        static let chinese = [
            "matched": "已对平", "channelOnly": "长款（渠道有 HIS 无）", "hisOnly": "短款（HIS 有渠道无）", "amountMismatch": "金额不符",
            "statusMismatch": "状态不符", "duplicate": "重复", "carriedOver": "跨日", "closed": "已关闭未动账", "authorization": "预授权未动账",
            "unclassified": "未分类",
        ]
        static let english = [
            "matched": "Matched", "channelOnly": "Channel only", "hisOnly": "HIS only", "amountMismatch": "Amount mismatch",
            "statusMismatch": "Status mismatch", "duplicate": "Duplicate", "carriedOver": "Carried over", "closed": "Closed, no money moved",
            "authorization": "Pre-authorisation, no money moved", "unclassified": "Unclassified",
        ]

        func bucket(_ name: String) -> String {
            name == "only" ? text("单边（长款/短款）", "One side only") : kind(name)
        }
    }
}
