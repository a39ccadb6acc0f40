import Foundation

/// What a channel reports about a payment.
public struct Payment: Hashable, Sendable {
    public var outTradeNo: String
    /// The channel's transaction id, once it has one.
    public var transactionID: String?
    /// The amount the channel confirms, once known.
    public var amount: Amount?
    public var paidAt: Date?
    /// What to hand the payer to complete the payment (QR code, redirect, JSAPI/app parameters).
    public var payerAction: PayerAction?

    public init(
        outTradeNo: String,
        transactionID: String? = nil,
        amount: Amount? = nil,
        paidAt: Date? = nil,
        payerAction: PayerAction? = nil
    ) {
        self.outTradeNo = outTradeNo
        self.transactionID = transactionID
        self.amount = amount
        self.paidAt = paidAt
        self.payerAction = payerAction
    }
}
