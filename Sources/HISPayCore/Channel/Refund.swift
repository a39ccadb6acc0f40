import Foundation

/// What a channel reports about a refund.
public struct Refund: Hashable, Sendable {
    public var outRefundNo: String
    /// The channel's refund id, once it has one.
    public var refundID: String?
    public var amount: Amount
    public var refundedAt: Date?

    public init(outRefundNo: String, refundID: String? = nil, amount: Amount, refundedAt: Date? = nil) {
        self.outRefundNo = outRefundNo
        self.refundID = refundID
        self.amount = amount
        self.refundedAt = refundedAt
    }
}
