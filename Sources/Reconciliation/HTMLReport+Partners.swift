import Foundation
import HISPayCore

extension HTMLReport {
    /// The resource-pool partners: per partner its orders, commission and settlement, where its rows
    /// went, and the rows to look at.
    static func partners(_ partners: [PartnerReport]?, _ l: Labels) -> String {
        guard let partners, !partners.isEmpty else { return "" }
        let names = ["matched", "partnerOnly", "amountMismatch", "notOnChannel", "duplicate", "noMoney"]
        let words = [
            "matched": l.text("三方一致", "matched"), "partnerOnly": l.text("合作方有 HIS 无", "partner only"),
            "amountMismatch": l.text("金额不符", "amount mismatch"), "notOnChannel": l.text("渠道无此笔", "not on the channel"),
            "duplicate": l.text("重复", "duplicate"), "noMoney": l.text("未动账", "no money moved"),
            "missingFromPartner": l.text("HIS 有合作方无", "missing from the partner's file"),
        ]
        var html = "<h2>\(l.text("合作方对账（号源池）", "Resource-pool partners"))</h2><table id=\"partners\"><tr><th>\(l.text("合作方", "Partner"))</th>"
        html += "<th>\(l.text("文件", "File"))</th><th>\(l.text("支付笔数", "Paid"))</th><th>\(l.text("支付金额", "Paid amount"))</th>"
        html += "<th>\(l.text("退款金额", "Refunded"))</th><th>\(l.text("佣金", "Commission"))</th><th>\(l.text("应结算", "Settlement"))</th>"
        html += names.map { "<th>\(words[$0] ?? $0)</th>" }.joined() + "<th>\(words["missingFromPartner"] ?? "")</th></tr>\n"
        for partner in partners {
            let id = "partners.\(partner.partner)"
            html += "<tr><td>\(escape(partner.displayName))</td><td>\(escape(partner.file))</td>"
            html += cell("\(id).paid.count", "\(partner.paid.count)") + cell("\(id).paid.amount", partner.paid.amount.yuanString)
            html += cell("\(id).refunded.amount", partner.refunded.amount.yuanString) + cell("\(id).commission", partner.commission.yuanString)
            html += cell("\(id).settlement", partner.settlement.yuanString)
            html += names.map { cell("\(id).buckets.\($0)", (partner.buckets[$0]?.amount ?? .zero).yuanString) }.joined()
            html += cell("\(id).missingFromPartner", partner.missingFromPartner.amount.yuanString) + "</tr>\n"
        }
        html += "</table>\n<p class=\"meta\">" + l.text(
            "应结算 = 支付金额 − 退款金额 − 佣金；每个合作方的支付与退款合计 = 各列之和。",
            "Settlement = paid − refunded − commission; each partner's rows add up to the buckets.") + "</p>\n"
        let items = partners.flatMap { partner in partner.items.map { (partner, $0) } }
        guard !items.isEmpty else { return html }
        html += "<table id=\"partner-items\"><tr><th>\(l.text("合作方", "Partner"))</th><th>\(l.text("类型", "Kind"))</th><th>\(l.text("订单号", "Order no."))</th>"
        html += "<th>\(l.text("合作方金额", "Partner amount"))</th><th>HIS</th><th>\(l.text("渠道", "Channel"))</th><th>\(l.text("行", "Line"))</th>"
        html += "<th>\(l.text("说明", "Note"))</th><th>\(l.text("建议处理", "Action"))</th></tr>\n"
        for (partner, item) in items {
            html += "<tr data-partner-kind=\"\(escape(item.kind))\"><td>\(escape(partner.displayName))</td><td class=\"bad\">\(escape(words[item.kind] ?? item.kind))</td>"
            html += "<td>\(escape(item.orderNo))</td><td class=\"num\">\(item.partnerAmount?.yuanString ?? "")</td><td class=\"num\">\(item.hisAmount?.yuanString ?? "")</td>"
            html += "<td class=\"num\">\(item.channelAmount?.yuanString ?? "")</td><td class=\"num\">\(item.line.map(String.init) ?? "")</td>"
            html += "<td>\(escape(item.note))</td><td>\(escape(item.action))</td></tr>\n"
        }
        return html + "</table>\n"
    }
}
