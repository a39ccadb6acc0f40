/// Where a journaled order stands. States are ranked: an update may only move an order forward
/// (a refund callback that arrives before the payment callback leaves the order refunded).
public struct OrderState: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    /// Higher ranks are later in an order's life.
    public let rank: Int

    public init(_ name: String, rank: Int) {
        self.name = name
        self.rank = rank
    }

    public var description: String { name }

    /// Journaled, about to be sent.
    public static let sending = OrderState("sending", rank: 0)
    /// Sent; waiting for the payer.
    public static let pending = OrderState("pending", rank: 1)
    /// Sent; no answer (timeout, 5xx): resolve by query.
    public static let unknown = OrderState("unknown", rank: 1)
    /// The channel refused it: nothing was taken.
    public static let failed = OrderState("failed", rank: 2)
    public static let closed = OrderState("closed", rank: 2)
    /// The operation took effect (a payment paid, a refund refunded, a capture captured).
    public static let succeeded = OrderState("succeeded", rank: 3)
    /// A paid order that was refunded (in part or whole) afterwards.
    public static let refunded = OrderState("refunded", rank: 4)

    /// The known states by name.
    public static let all: [String: OrderState] = Dictionary(
        uniqueKeysWithValues: [sending, pending, unknown, failed, closed, succeeded, refunded].map { ($0.name, $0) })

    /// A state from its stored name; an unknown name ranks lowest so it never blocks an update.
    public static func named(_ name: String) -> OrderState { all[name] ?? OrderState(name, rank: 0) }
}
