/// Identifies a refund: by the hospital's refund number, within an order where the channel needs it.
public struct RefundReference: Hashable, Sendable {
    public var outRefundNo: String
    public var order: OrderReference?

    public init(outRefundNo: String, order: OrderReference? = nil) {
        self.outRefundNo = outRefundNo
        self.order = order
    }
}
