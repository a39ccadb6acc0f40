import Foundation

/// A verified, decrypted callback, normalized across channels.
public struct CallbackEvent: Hashable, Sendable {
    /// What happened. Extensible.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        public static let paymentSucceeded = Kind("paymentSucceeded")
        /// The order exists and waits for the payer (Alipay `WAIT_BUYER_PAY`): nothing to book yet.
        public static let paymentPending = Kind("paymentPending")
        public static let refundSucceeded = Kind("refundSucceeded")
        public static let refundFailed = Kind("refundFailed")
        public static let closed = Kind("closed")
        public static let insuranceSettled = Kind("insuranceSettled")
        public static let preAuthorizationFrozen = Kind("preAuthorizationFrozen")
        public static let preAuthorizationCaptured = Kind("preAuthorizationCaptured")
        public static let preAuthorizationReleased = Kind("preAuthorizationReleased")
        /// A verified notification of a kind HISPay does not model (an Alipay
        /// `servicemarket_order_notify`, a UnionPay token activation, a WeChat Pay event type other
        /// than payment and refund): acknowledged, so the channel stops retrying, and delivered with
        /// its verified ``CallbackEvent/fields`` — the channel's type field (`notify_type`, `txnType`,
        /// `event_type`) among them — for the HIS to act on or ignore. It moves no order;
        /// ``CallbackEvent/outTradeNo`` is empty when the notification names no order.
        public static let other = Kind("other")
    }

    public var kind: Kind
    public var channel: ChannelID
    /// A key that is the same for every retry of this notification (notification id, or the order
    /// number with the state), for exactly-once delivery.
    public var deduplicationKey: String
    public var outTradeNo: String
    public var transactionID: String?
    public var outRefundNo: String?
    public var amount: Amount?
    /// For a refund from a channel that reports the order's total refunded so far rather than this
    /// refund's amount (Alipay's `refund_fee`, "退款通知中，返回总退款金额"): that total. ``amount`` is
    /// then nil until the notification centre derives it (from the journaled refund, the refunds
    /// already recorded for the order, or a refund query).
    public var refundedTotal: Amount?
    /// The merchant id the channel says the event belongs to (checked against the profile).
    public var merchantID: String?
    public var occurredAt: Date?
    /// The decrypted business fields, for what the normalized fields do not carry.
    public var fields: [String: String]

    public init(
        kind: Kind,
        channel: ChannelID,
        deduplicationKey: String,
        outTradeNo: String,
        transactionID: String? = nil,
        outRefundNo: String? = nil,
        amount: Amount? = nil,
        merchantID: String? = nil,
        occurredAt: Date? = nil,
        fields: [String: String] = [:],
        refundedTotal: Amount? = nil
    ) {
        self.kind = kind
        self.channel = channel
        self.deduplicationKey = deduplicationKey
        self.outTradeNo = outTradeNo
        self.transactionID = transactionID
        self.outRefundNo = outRefundNo
        self.amount = amount
        self.merchantID = merchantID
        self.occurredAt = occurredAt
        self.fields = fields
        self.refundedTotal = refundedTotal
    }
}
