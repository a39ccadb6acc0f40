import Foundation

/// A request to take a payment.
public struct PayRequest: Hashable, Sendable {
    /// The hospital's merchant order number (商户订单号): unique per payment, never reused, never
    /// replaced by a new one when the outcome is unknown.
    public var outTradeNo: String
    public var amount: Amount
    /// What the patient sees on the statement (e.g. `"门诊缴费"`).
    public var subject: String
    public var scene: PaymentScene
    /// Where the channel sends the payment notification.
    public var notifyURL: String?
    /// When the unpaid order should expire.
    public var expiresAt: Date?
    /// Opaque merchant data returned in callbacks (附加数据 / passback_params).
    public var attach: String?
    /// When the request is stamped, for channels that name an order by its number *and* request
    /// time (UnionPay `txnTime`); a `JournaledChannel`-style journal keeps it so the order can be
    /// queried after a restart. Nil: the channel stamps it itself.
    public var requestTime: Date?

    public init(
        outTradeNo: String,
        amount: Amount,
        subject: String,
        scene: PaymentScene,
        notifyURL: String? = nil,
        expiresAt: Date? = nil,
        attach: String? = nil,
        requestTime: Date? = nil
    ) {
        self.outTradeNo = outTradeNo
        self.amount = amount
        self.subject = subject
        self.scene = scene
        self.notifyURL = notifyURL
        self.expiresAt = expiresAt
        self.attach = attach
        self.requestTime = requestTime
    }
}
