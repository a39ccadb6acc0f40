import Foundation
import HISPayCore

extension HTMLReport {
    /// The channels' own checks of the day's totals (the NHSA's 3201, the hospital card's day): what
    /// the hospital sent and the verdict.
    static func platformTotals(_ totals: [PlatformTotals]?, _ l: Labels) -> String {
        guard let totals, !totals.isEmpty else { return "" }
        var html = "<h2>\(l.text("渠道对总账（医保 3201、一卡通日结）", "The channels' checks of the totals (NHSA 3201, hospital card day)"))</h2><table id=\"platform-totals\"><tr>"
        html += "<th>\(l.text("渠道", "Channel"))</th><th>\(l.text("分组", "Group"))</th><th>\(l.text("笔数", "Settlements"))</th>"
        html += "<th>\(l.text("总额（一卡通：日终余额）", "Total (card: closing balance)"))</th><th>\(l.text("分项", "Parts"))</th><th>\(l.text("结果", "Result"))</th><th>\(l.text("说明", "Note"))</th></tr>\n"
        for (index, total) in totals.enumerated() {
            let parts = total.parts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.yuanString)" }.joined(separator: ", ")
            html += "<tr><td>\(escape(l.channel(total.channel)))</td><td>\(escape(total.group))</td>" + cell("platformTotals.\(index).count", "\(total.count)")
            html += cell("platformTotals.\(index).total", total.total.yuanString) + "<td>\(escape(parts))</td>"
            html += "<td\(total.balanced ? "" : " class=\"bad\"") data-field=\"platformTotals.\(index).balanced\">\(total.balanced ? l.text("一致", "balanced") : l.text("不一致", "NOT balanced"))</td>"
            html += "<td>\(escape(total.detail ?? ""))</td></tr>\n"
        }
        return html + "</table>\n"
    }
}
