import Foundation
import HISPayCore

/// One outgoing operation in the payment journal, keyed by merchant, channel and merchant order
/// number: written before the request is sent, updated with its outcome, and read by the resolver
/// and the notification centre (to check a callback's amount against what was asked).
public struct JournalEntry: Sendable, Hashable {
    public var merchant: String
    public var channel: ChannelID
    /// The merchant order number (or refund number for a refund).
    public var orderNo: String
    /// `pay`, `refund`, `close`, `reverse`, `freeze`, `capture`, `release`.
    public var operation: ChannelOperation
    public var amount: Amount
    public var state: OrderState
    /// When an unpaid order should be closed or reversed instead of queried again.
    public var expiresAt: Date?
    public var updatedAt: Date
    /// The order a refund (or capture) acts on; nil for a payment.
    public var parentOrderNo: String?
    /// How a payment was taken: a barcode payment is reversed when it expires, others closed.
    public var scene: PaymentScene.Kind?
    /// How many times the resolver has asked the channel.
    public var attempts: Int
    /// When the resolver should ask next.
    public var nextCheckAt: Date?
    /// When the request was stamped (`PayRequest/requestTime`): with the order number, how
    /// UnionPay names an order — kept so it can be queried, undone and refunded after a restart.
    public var requestTime: Date?

    /// The journal number of a close or reverse of `orderNo`: `ORDER#close`, `ORDER#reverse`.
    public static func number(of operation: ChannelOperation, on orderNo: String) -> String { "\(orderNo)#\(operation.name)" }

    public init(
        merchant: String, channel: ChannelID, orderNo: String, operation: ChannelOperation, amount: Amount, state: OrderState = .sending,
        expiresAt: Date? = nil, updatedAt: Date, attempts: Int = 0, nextCheckAt: Date? = nil, parentOrderNo: String? = nil,
        scene: PaymentScene.Kind? = nil, requestTime: Date? = nil
    ) {
        self.merchant = merchant
        self.channel = channel
        self.orderNo = orderNo
        self.operation = operation
        self.amount = amount
        self.state = state
        self.expiresAt = expiresAt
        self.updatedAt = updatedAt
        self.attempts = attempts
        self.nextCheckAt = nextCheckAt
        self.parentOrderNo = parentOrderNo
        self.scene = scene
        self.requestTime = requestTime
    }
}
