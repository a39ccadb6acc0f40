import Foundation
import HISPayCore

/// Tells WeChat Pay that the insurance part of a mixed order was refunded at the NHSA
/// (医保退款通知, `POST /v3/med-ins/refunds/notify?mix_trade_no=…`). When the cash part is refunded
/// too, refund it first (`/v3/refund/domestic/refunds`) and send this under the same `outRefundNo`.
public struct WeChatMedInsRefundNotice: Sendable, Hashable {
    public var mixTradeNo: String
    public var outRefundNo: String
    /// `med_refund_total_fee`: the insurance refund, = fund + personal account + other.
    public var total: Amount
    public var fund: Amount
    public var personalAccount: Amount
    public var other: Amount
    public var refundedAt: Date

    public init(
        mixTradeNo: String, outRefundNo: String, total: Amount, fund: Amount, personalAccount: Amount, other: Amount = .zero,
        refundedAt: Date
    ) {
        self.mixTradeNo = mixTradeNo
        self.outRefundNo = outRefundNo
        self.total = total
        self.fund = fund
        self.personalAccount = personalAccount
        self.other = other
        self.refundedAt = refundedAt
    }

    /// Checks that no part is negative and `total = fund + personalAccount + other`.
    public func validate() throws(ChannelError) {
        let sum = try? Amount.sum([fund, personalAccount, other])
        guard ![total, fund, personalAccount, other].contains(where: \.isNegative), sum == total else {
            throw ChannelError(
                .invalidRequest, channel: .wechatPay,
                reason: "med-ins refund does not add up: med_refund_total_fee \(total.fen) ≠ gov + self + other = \(sum.map { "\($0.fen)" } ?? "overflow") fen (no part may be negative)")
        }
    }
}
