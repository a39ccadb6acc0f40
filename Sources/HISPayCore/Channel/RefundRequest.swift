/// A request to refund part or all of a paid order.
public struct RefundRequest: Hashable, Sendable {
    public var order: OrderReference
    /// The hospital's refund number (商户退款单号 / out_request_no): the idempotency key of this refund.
    public var outRefundNo: String
    public var refundAmount: Amount
    /// The original order's total (WeChat Pay requires it).
    public var totalAmount: Amount
    public var reason: String?
    public var notifyURL: String?

    public init(
        order: OrderReference,
        outRefundNo: String,
        refundAmount: Amount,
        totalAmount: Amount,
        reason: String? = nil,
        notifyURL: String? = nil
    ) {
        self.order = order
        self.outRefundNo = outRefundNo
        self.refundAmount = refundAmount
        self.totalAmount = totalAmount
        self.reason = reason
        self.notifyURL = notifyURL
    }
}
