/// Gives back frozen funds that were not captured.
public struct ReleaseRequest: Hashable, Sendable {
    public var authorizationID: String
    /// The idempotency key of this release.
    public var outRequestNo: String
    public var amount: Amount
    public var remark: String

    public init(authorizationID: String, outRequestNo: String, amount: Amount, remark: String) {
        self.authorizationID = authorizationID
        self.outRequestNo = outRequestNo
        self.amount = amount
        self.remark = remark
    }
}
