/// What a statement parser counted and summed, after checking it against the file's own summary
/// where the format has one.
public struct StatementTotals: Sendable, Hashable {
    /// Payment and refund rows.
    public var count: Int
    public var paymentAmount: Amount
    public var refundAmount: Amount
    /// The channel's fees, signed as the file states them (a refund's returned fee is negative).
    public var fee: Amount
    /// Rows neither payment nor refund (Alipay's other 业务类型, UnionPay's ZME adjustments).
    public var unclassified: Int

    public init(count: Int, paymentAmount: Amount, refundAmount: Amount, fee: Amount, unclassified: Int = 0) {
        self.count = count
        self.paymentAmount = paymentAmount
        self.refundAmount = refundAmount
        self.fee = fee
        self.unclassified = unclassified
    }
}
