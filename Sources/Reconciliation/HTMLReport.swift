import Foundation
import HISPayCore

/// The finance staff's page: self-contained HTML (inline CSS and SVG, no scripts, no network).
/// Every number carries a `data-field` attribute so a test can read the rendered page back and
/// compare it with `report.json`.
enum HTMLReport {
    static func page(_ report: ReconciliationReport) -> String {
        let summary = report.summary
        let counts: [(String, String, Int)] = [
            ("matched", "已对平 Matched", summary.matched), ("channelOnly", "长款 Channel only", summary.channelOnly),
            ("hisOnly", "短款 HIS only", summary.hisOnly), ("amountMismatch", "金额不符 Amount", summary.amountMismatch),
            ("statusMismatch", "状态不符 Status", summary.statusMismatch), ("duplicate", "重复 Duplicate", summary.duplicate),
            ("carriedOver", "跨日挂账 Carried over", summary.carriedOver), ("unclassified", "未分类 Unclassified", summary.unclassified),
            ("closed", "已关闭未动账 Closed", summary.closed),
        ]
        var html = """
            <!DOCTYPE html>
            <html lang="zh-CN"><head><meta charset="utf-8"><title>对账报告 \(escape(report.date))</title>
            <style>
            body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:24px;color:#222}
            table{border-collapse:collapse;margin:12px 0}th,td{border:1px solid #ccc;padding:4px 8px;text-align:left}
            td.num{text-align:right;font-variant-numeric:tabular-nums}.bad{color:#b00}
            </style></head><body>
            <h1>对账报告 Reconciliation <span data-field="date">\(escape(report.date))</span></h1>
            <table id="summary"><tr>
            """
        html += counts.map { "<th>\($0.1)</th>" }.joined() + "</tr><tr>"
        html += counts.map { #"<td class="num" data-field="summary.\#($0.0)">\#($0.2)</td>"# }.joined() + "</tr></table>\n"
        html += "<h2>合计 Totals</h2><table id=\"totals\"><tr><th>渠道 Channel</th><th>类型 Kind</th><th>HIS 笔数</th><th>HIS 金额</th>"
        html += "<th>渠道笔数</th><th>渠道金额</th><th>手续费 Fee</th><th>已对平金额</th></tr>\n"
        for total in report.totals {
            let id = "\(total.channel.rawValue).\(total.kind.name)"
            html += "<tr><td>\(escape(total.channel.rawValue))</td><td>\(escape(total.kind.name))</td>"
            html += cell("totals.\(id).hisCount", "\(total.hisCount)") + cell("totals.\(id).hisAmount", total.hisAmount.yuanString)
            html += cell("totals.\(id).channelCount", "\(total.channelCount)") + cell("totals.\(id).channelAmount", total.channelAmount.yuanString)
            html += cell("totals.\(id).fee", total.fee.yuanString) + cell("totals.\(id).matchedAmount", total.matchedAmount.yuanString) + "</tr>\n"
        }
        html += "</table>\n" + buckets(report)
        html += "<h2>已对平与差异金额 Matched vs. discrepant (元)</h2>\n" + chart(report)
        html += "<h2>差异明细 Discrepancies</h2><table id=\"discrepancies\"><tr><th>类型</th><th>渠道</th><th>收/退</th><th>商户订单号</th>"
        html += "<th>退款单号</th><th>结算号</th><th>HIS 金额</th><th>渠道金额</th><th>时间</th><th>说明</th><th>建议处理</th></tr>\n"
        for item in report.discrepancies {
            html += "<tr data-kind=\"\(escape(item.kind.name))\"><td class=\"bad\">\(escape(item.kind.name))</td><td>\(escape(item.channel.rawValue))</td>"
            html += "<td>\(escape(item.recordKind.name))</td><td>\(escape(item.outTradeNo))</td><td>\(escape(item.outRefundNo ?? ""))</td>"
            html += "<td>\(escape(item.settlementID ?? ""))</td><td class=\"num\">\(item.hisAmount?.yuanString ?? "")</td>"
            html += "<td class=\"num\">\(item.channelAmount?.yuanString ?? "")</td><td>\(BeijingTime.format(item.time))</td>"
            html += "<td>\(escape(item.note))</td><td>\(escape(item.action))</td></tr>\n"
        }
        html += "</table>\n"
        if !report.otherRows.isEmpty {
            html += "<h2>跨日与已关闭 Carried over and closed (无需处理 nothing to do today)</h2><table id=\"other\"><tr><th>类型</th><th>渠道</th>"
            html += "<th>收/退</th><th>商户订单号</th><th>退款单号</th><th>HIS 金额</th><th>渠道金额</th><th>时间</th><th>说明</th></tr>\n"
            for item in report.otherRows {
                html += "<tr data-kind=\"\(escape(item.kind.name))\"><td>\(escape(item.kind.name))</td><td>\(escape(item.channel.rawValue))</td>"
                html += "<td>\(escape(item.recordKind.name))</td><td>\(escape(item.outTradeNo))</td><td>\(escape(item.outRefundNo ?? ""))</td>"
                html += "<td class=\"num\">\(item.hisAmount?.yuanString ?? "")</td><td class=\"num\">\(item.channelAmount?.yuanString ?? "")</td>"
                html += "<td>\(BeijingTime.format(item.time))</td><td>\(escape(item.note))</td></tr>\n"
            }
            html += "</table>\n"
        }
        if !report.repairedRows.isEmpty {
            html += "<h2>修复读取的行 Rows read with a repair</h2><table id=\"repaired\"><tr><th>渠道</th><th>收/退</th><th>商户订单号</th>"
            html += "<th>退款单号</th><th>金额</th><th>说明</th></tr>\n"
            for row in report.repairedRows {
                html += "<tr><td>\(escape(row.channel.rawValue))</td><td>\(escape(row.kind.name))</td><td>\(escape(row.outTradeNo))</td>"
                html += "<td>\(escape(row.outRefundNo ?? ""))</td><td class=\"num\">\(row.amount.yuanString)</td><td>\(escape(row.repair))</td></tr>\n"
            }
            html += "</table>\n"
        }
        return html + "</body></html>\n"
    }

    /// Where each side's rows went, per channel and kind: the total, then every bucket, so that the
    /// total = matched + the other buckets can be checked by hand.
    static func buckets(_ report: ReconciliationReport) -> String {
        let names = ReconciliationReport.Buckets().named.map(\.name)
        let labels = [
            "matched": "已对平", "only": "单边 (长款/短款)", "amountMismatch": "金额不符", "statusMismatch": "状态不符", "duplicate": "重复",
            "carriedOver": "跨日", "closed": "已关闭", "unclassified": "未分类",
        ]
        var html = "<h2>合计 = 各项之和 Totals = matched + buckets (元)</h2><table id=\"buckets\"><tr><th>渠道</th><th>类型</th><th>方</th><th>合计</th>"
        html += names.map { "<th>\(labels[$0] ?? $0) \($0)</th>" }.joined() + "</tr>\n"
        for total in report.totals {
            let id = "\(total.channel.rawValue).\(total.kind.name)"
            for (side, buckets, amount) in [("his", total.hisBuckets, total.hisAmount), ("channel", total.channelBuckets, total.channelAmount)] {
                html += "<tr><td>\(escape(total.channel.rawValue))</td><td>\(escape(total.kind.name))</td><td>\(side == "his" ? "HIS" : "渠道 channel")</td>"
                html += cell("buckets.\(id).\(side).total", amount.yuanString)
                html += buckets.named.map { cell("buckets.\(id).\(side).\($0.name)", $0.bucket.amount.yuanString) }.joined() + "</tr>\n"
            }
        }
        return html + "</table>\n"
    }

    /// Horizontal bars per channel: matched amount and the amount in discrepancies (both sides' larger).
    static func chart(_ report: ReconciliationReport) -> String {
        var byChannel: [String: (matched: Int64, discrepant: Int64)] = [:]
        for total in report.totals { byChannel[total.channel.rawValue, default: (0, 0)].matched += total.matchedAmount.fen }
        for item in report.discrepancies {
            byChannel[item.channel.rawValue, default: (0, 0)].discrepant += max(item.hisAmount?.fen ?? 0, item.channelAmount?.fen ?? 0)
        }
        let channels = byChannel.keys.sorted()
        let largest = max(1, byChannel.values.map { max($0.matched, $0.discrepant) }.max() ?? 1)
        let rowHeight = 44
        var svg = #"<svg xmlns="http://www.w3.org/2000/svg" width="720" height="\#(channels.count * rowHeight + 20)" role="img" aria-label="matched vs discrepant">"#
        for (index, channel) in channels.enumerated() {
            let values = byChannel[channel] ?? (0, 0)
            let y = index * rowHeight + 10
            let matchedWidth = Int(Double(values.matched) / Double(largest) * 500)
            let discrepantWidth = Int(Double(values.discrepant) / Double(largest) * 500)
            svg += #"<text x="0" y="\#(y + 14)" font-size="13">\#(escape(channel))</text>"#
            svg += #"<rect x="110" y="\#(y)" width="\#(matchedWidth)" height="16" fill="seagreen"/>"#
            svg += #"<text x="\#(116 + matchedWidth)" y="\#(y + 13)" font-size="12">\#(Amount(fen: values.matched).yuanString)</text>"#
            svg += #"<rect x="110" y="\#(y + 18)" width="\#(discrepantWidth)" height="16" fill="firebrick"/>"#
            svg += #"<text x="\#(116 + discrepantWidth)" y="\#(y + 31)" font-size="12">\#(Amount(fen: values.discrepant).yuanString)</text>"#
        }
        return svg + "</svg>\n"
    }

    static func cell(_ field: String, _ value: String) -> String { #"<td class="num" data-field="\#(field)">\#(value)</td>"# }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
