/// The result of closing, cancelling or reversing an order.
public struct Reversal: Hashable, Sendable {
    public var order: OrderReference
    /// The channel asks for the reversal to be called again (WeChat v2 `recall=Y`).
    public var mustRetry: Bool
    /// Whether money had moved and was returned (Alipay cancel `action=refund`).
    public var refunded: Bool

    public init(order: OrderReference, mustRetry: Bool = false, refunded: Bool = false) {
        self.order = order
        self.mustRetry = mustRetry
        self.refunded = refunded
    }
}
