/// The state of a pre-authorisation at the channel.
public struct Authorization: Hashable, Sendable {
    public var authorizationID: String
    public var outOrderNo: String
    /// Still frozen.
    public var frozen: Amount
    /// Taken as payments so far.
    public var captured: Amount
    /// Given back so far.
    public var released: Amount

    public init(authorizationID: String, outOrderNo: String, frozen: Amount, captured: Amount = .zero, released: Amount = .zero) {
        self.authorizationID = authorizationID
        self.outOrderNo = outOrderNo
        self.frozen = frozen
        self.captured = captured
        self.released = released
    }
}
