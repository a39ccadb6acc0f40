import Foundation

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
    /// When the refund request is stamped (UnionPay `txnTime` of the refund's own order id); see
    /// ``PayRequest/requestTime``.
    public var requestTime: Date?

    public init(
        order: OrderReference,
        outRefundNo: String,
        refundAmount: Amount,
        totalAmount: Amount,
        reason: String? = nil,
        notifyURL: String? = nil,
        requestTime: Date? = nil
    ) {
        self.order = order
        self.outRefundNo = outRefundNo
        self.refundAmount = refundAmount
        self.totalAmount = totalAmount
        self.reason = reason
        self.notifyURL = notifyURL
        self.requestTime = requestTime
    }
}
