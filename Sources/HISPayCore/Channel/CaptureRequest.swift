/// Takes part or all of frozen funds as a payment (discharge settlement).
public struct CaptureRequest: Hashable, Sendable {
    /// The channel's authorisation number (`auth_no`, UnionPay pre-auth `queryId`).
    public var authorizationID: String
    /// The merchant order number of the resulting payment.
    public var outTradeNo: String
    public var amount: Amount
    public var subject: String

    public init(authorizationID: String, outTradeNo: String, amount: Amount, subject: String) {
        self.authorizationID = authorizationID
        self.outTradeNo = outTradeNo
        self.amount = amount
        self.subject = subject
    }
}
