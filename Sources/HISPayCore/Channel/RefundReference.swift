import Foundation

/// Identifies a refund: by the hospital's refund number, within an order where the channel needs it.
public struct RefundReference: Hashable, Sendable {
    public var outRefundNo: String
    public var order: OrderReference?
    /// When the refund itself was requested (UnionPay names a refund by its order id and `txnTime`).
    public var requestTime: Date?

    public init(outRefundNo: String, order: OrderReference? = nil, requestTime: Date? = nil) {
        self.outRefundNo = outRefundNo
        self.order = order
        self.requestTime = requestTime
    }
}
