import Foundation
import HISPayCore

/// Where a WeChat Pay medical-insurance mixed order stands: the order as a whole and each leg
/// (`MIX_PAY_CREATED`, `MIX_PAY_USER_PAYING`, `MIX_PAY_SUCCESS`, `MIX_PAY_FAIL`,
/// `MIX_PAY_REVERSED`, `MIX_PAY_REFUND`, …), and — in a query answer — the split as WeChat holds it.
public struct WeChatMedInsOrderStatus: Sendable, Hashable {
    public let mixTradeNo: String
    public let outTradeNo: String?
    public let mixPayStatus: String
    public let selfPayStatus: String?
    public let medInsPayStatus: String?
    public let paidAt: Date?
    /// The split from a query answer, checked to add up; nil in the answer to placing the order.
    public let split: WeChatMedInsSplit?
    /// What the NHSA answered, passed through unchanged.
    public let passthroughResponseContent: String?

    /// Reads an answer body; a missing `mix_trade_no`/`mix_pay_status` or a split that does not
    /// add up throws ``ChannelError/Code/invalidResponse``.
    init(json: [String: Any]) throws(ChannelError) {
        guard let mixTradeNo = json["mix_trade_no"] as? String, let mixPayStatus = json["mix_pay_status"] as? String else {
            throw ChannelError(.invalidResponse, channel: .wechatPay, reason: "med-ins order answer lacks mix_trade_no or mix_pay_status")
        }
        self.mixTradeNo = mixTradeNo
        self.mixPayStatus = mixPayStatus
        outTradeNo = json["out_trade_no"] as? String
        selfPayStatus = json["self_pay_status"] as? String
        medInsPayStatus = json["med_ins_pay_status"] as? String
        paidAt = (json["paid_time"] as? String).flatMap(WeChatPayV3Time.parse)
        passthroughResponseContent = json["passthrough_response_content"] as? String
        split = try Self.split(json)
    }

    /// The outcome this status means: success once paid (or later refunded), pending while
    /// created or being paid, failure when failed or reversed, unknown otherwise (query again).
    func outcome(httpStatus: Int) -> Outcome<WeChatMedInsOrderStatus> {
        let status = ChannelStatus(code: mixPayStatus, httpStatus: httpStatus)
        switch mixPayStatus {
        case "MIX_PAY_SUCCESS", "MIX_PAY_REFUND": return .success(self, status)
        case "MIX_PAY_CREATED", "MIX_PAY_USER_PAYING": return .pending(self, status)
        case "MIX_PAY_FAIL", "MIX_PAY_REVERSED": return .failure(status)
        default: return .unknown(status)
        }
    }

    private static func split(_ json: [String: Any]) throws(ChannelError) -> WeChatMedInsSplit? {
        guard json["total_fee"] != nil else { return nil }
        // A fee in fen: absent is zero; present but not a whole number is refused.
        func fee(_ object: [String: Any], _ key: String) throws(ChannelError) -> Amount {
            guard let value = object[key] else { return .zero }
            guard let fen = WeChatPayJSON.fen(value) else {
                throw ChannelError(.invalidResponse, channel: .wechatPay, reason: "\(key) is not a whole number of fen")
            }
            return Amount(fen: fen)
        }
        func adjustments(_ key: String, fee feeKey: String, type: String) throws(ChannelError) -> [WeChatMedInsSplit.Adjustment] {
            var result: [WeChatMedInsSplit.Adjustment] = []
            for entry in (json[key] as? [[String: Any]]) ?? [] {
                guard let kind = entry[type] as? String, entry[feeKey] != nil else {
                    throw ChannelError(.invalidResponse, channel: .wechatPay, reason: "\(key) entry lacks \(feeKey) or \(type)")
                }
                result.append(WeChatMedInsSplit.Adjustment(type: kind, amount: try fee(entry, feeKey)))
            }
            return result
        }
        let split = WeChatMedInsSplit(
            total: try fee(json, "total_fee"), fund: try fee(json, "med_ins_gov_fee"), personalAccount: try fee(json, "med_ins_self_fee"),
            other: try fee(json, "med_ins_other_fee"), insuranceCash: try fee(json, "med_ins_cash_fee"),
            wechatPayCash: try fee(json, "wechat_pay_cash_fee"),
            cashAdd: try adjustments("cash_add_detail", fee: "cash_add_fee", type: "cash_add_type"),
            cashReduce: try adjustments("cash_reduce_detail", fee: "cash_reduce_fee", type: "cash_reduce_type"))
        do {
            try split.validate()
        } catch {
            throw ChannelError(.invalidResponse, channel: .wechatPay, reason: "WeChat's \(error.reason)")
        }
        return split
    }
}
