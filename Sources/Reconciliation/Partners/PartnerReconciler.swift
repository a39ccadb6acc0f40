import Foundation
import HISPayCore

/// Matches partners' order files three ways. Feed it every HIS row and statement row of the day
/// (the two `see(_:)`) — it keeps only those of the partners'
/// orders and of HIS rows attributed to a partner — then ask for each partner's report.
public final class PartnerReconciler {
    private let formats: [String: PartnerFormat]
    private let orders: [String: [PartnerOrder]]
    private let numbers: Set<String>
    private let text: ReportLanguage
    /// HIS and channel money per order number: paid and refunded.
    private var his: [String: (paid: Amount?, refunded: Amount, partner: String?)] = [:]
    private var channel: [String: (paid: Amount?, refunded: Amount)] = [:]

    /// `orders` by partner name, read with the `formats` of the same names.
    public init(formats: [PartnerFormat], orders: [String: [PartnerOrder]], language: ReportLanguage) {
        self.formats = Dictionary(formats.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.orders = orders
        numbers = Set(orders.values.flatMap { $0.map(\.orderNo) })
        text = language
    }

    /// A HIS row (kept when it is a partner's order or attributed to one).
    public func see(_ row: LedgerRecord) throws {
        guard numbers.contains(row.outTradeNo) || row.partner != nil, row.isBooked else { return }
        var entry = his[row.outTradeNo] ?? (nil, .zero, nil)
        if row.kind == .refund { entry.refunded = try entry.refunded.adding(row.amount) } else if row.kind == .payment { entry.paid = try (entry.paid ?? .zero).adding(row.amount) }
        entry.partner = entry.partner ?? row.partner
        his[row.outTradeNo] = entry
    }

    /// A statement row (kept when it is a partner's order).
    public func see(_ row: StatementRecord) throws {
        guard numbers.contains(row.outTradeNo) else { return }
        var entry = channel[row.outTradeNo] ?? (nil, .zero)
        if row.kind == .refund { entry.refunded = try entry.refunded.adding(row.amount) } else if row.kind == .payment { entry.paid = try (entry.paid ?? .zero).adding(row.amount) }
        channel[row.outTradeNo] = entry
    }

    /// The report of partner `name`, whose file is `file` (`rows` lines, SHA-256 `sha256`).
    public func report(_ name: String, file: String, sha256: String) throws -> PartnerReport {
        guard let format = formats[name] else { throw ReconciliationError(.malformedLedger, "\(name) is not a configured partner") }
        let list = orders[name] ?? []
        var report = PartnerReport(partner: name, displayName: format.displayName, file: file, rows: list.count, sha256: sha256)
        var seen: Set<String> = []
        for order in list {
            try report.commission = report.commission.adding(order.commission)
            switch order.state {
            case .paid: try report.paid.add(order.amount)
            case .refunded: try report.refunded.add(order.amount)
            case .other:
                try put("noMoney", order, &report)
                continue
            }
            guard seen.insert("\(order.state)|\(order.orderNo)").inserted else {
                try put("duplicate", order, &report, note: say("合作方文件重复列出此单", "the partner's file lists this order twice"), action: say("请合作方更正文件", "ask the partner to correct its file"))
                continue
            }
            let hisSide = his[order.orderNo]
            let hisAmount = order.state == .paid ? hisSide?.paid : hisSide.map(\.refunded).flatMap { $0 == .zero ? nil : $0 }
            let channelSide = channel[order.orderNo]
            let channelAmount = order.state == .paid ? channelSide?.paid : channelSide.map(\.refunded).flatMap { $0 == .zero ? nil : $0 }
            if hisAmount == nil {
                try put("partnerOnly", order, &report, his: nil, channel: channelAmount,
                    note: say("合作方有此\(order.state == .paid ? "订单" : "退款")，HIS 无记录", "the partner lists this \(order.state) order; the HIS has no record of it"),
                    action: say("与合作方核实；如患者确已挂号，在 HIS 补记", "check with the partner; if the patient did register, book it in the HIS"))
            } else if hisAmount != order.amount || (!format.collectedByPartner && channelAmount != nil && channelAmount != order.amount) {
                try put("amountMismatch", order, &report, his: hisAmount, channel: channelAmount,
                    note: say("金额不一致：合作方 \(order.amount.yuanString)，HIS \(hisAmount?.yuanString ?? "-")，渠道 \(channelAmount?.yuanString ?? "-") 元",
                        "amounts differ: partner \(order.amount.yuanString), HIS \(hisAmount?.yuanString ?? "-"), channel \(channelAmount?.yuanString ?? "-")"),
                    action: say("以渠道实收为准，更正有误的一方", "take the channel's amount as the truth and correct the side in error"))
            } else if !format.collectedByPartner, channelAmount == nil {
                try put("notOnChannel", order, &report, his: hisAmount, channel: nil,
                    note: say("合作方与 HIS 一致，但渠道账单无此笔", "the partner and the HIS agree, but the channel's statement does not show it"),
                    action: say("查询渠道订单状态；未收到款则不与合作方结算此单", "query the order on the channel; do not settle it with the partner unless the money arrived"))
            } else {
                try put("matched", order, &report, his: hisAmount, channel: channelAmount)
            }
        }
        let listed = Set(list.map(\.orderNo))
        for (number, entry) in his.sorted(by: { $0.key < $1.key }) where entry.partner == name && !listed.contains(number) {
            let amount = entry.paid ?? entry.refunded
            try report.missingFromPartner.add(amount)
            report.items.append(PartnerReport.Item(
                kind: "missingFromPartner", orderNo: number, state: entry.paid == nil ? .refunded : .paid, partnerAmount: nil, hisAmount: amount,
                channelAmount: channel[number]?.paid, line: nil,
                note: text.pick(LocalizedText(zh: "HIS 记为\(format.displayName)的订单，合作方文件未列出", en: "the HIS attributes this order to \(format.displayName); its file does not list it")),
                action: text.pick(LocalizedText(zh: "请合作方补报；未补报前不计佣金", en: "ask the partner to add it; no commission until it does"))))
        }
        report.settlement = try report.paid.amount.subtracting(report.refunded.amount).subtracting(report.commission)
        try report.checkTotals()
        return report
    }

    private func say(_ zh: String, _ en: String) -> LocalizedText { LocalizedText(zh: zh, en: en) }

    private func put(
        _ bucket: String, _ order: PartnerOrder, _ report: inout PartnerReport, his: Amount? = nil, channel: Amount? = nil,
        note: LocalizedText? = nil, action: LocalizedText? = nil
    ) throws {
        try report.buckets[bucket, default: .init()].add(order.amount)
        guard let note, let action else { return }
        report.items.append(PartnerReport.Item(
            kind: bucket, orderNo: order.orderNo, state: order.state, partnerAmount: order.amount, hisAmount: his, channelAmount: channel, line: order.line,
            note: text.pick(note), action: text.pick(action)))
    }
}
