/// Freezes funds on the payer's account (Alipay fund authorisation, UnionPay pre-authorisation):
/// at admission for an inpatient deposit (住院预交金), or before treatment for 先诊疗后付费.
public struct FreezeRequest: Hashable, Sendable {
    /// The hospital's authorisation order number.
    public var outOrderNo: String
    /// The idempotency key of this freeze request.
    public var outRequestNo: String
    public var amount: Amount
    public var title: String
    /// The payer's code for counter freezes (付款码); nil for online authorisation.
    public var authCode: String?
    public var notifyURL: String?

    public init(
        outOrderNo: String,
        outRequestNo: String,
        amount: Amount,
        title: String,
        authCode: String? = nil,
        notifyURL: String? = nil
    ) {
        self.outOrderNo = outOrderNo
        self.outRequestNo = outRequestNo
        self.amount = amount
        self.title = title
        self.authCode = authCode
        self.notifyURL = notifyURL
    }
}
