/// What a fuzz target made of one input: accepted (a verified callback, a parsed statement, a
/// loaded configuration) or rejected with the typed error's description.
public enum FuzzOutcome: Hashable, Sendable {
    case accepted
    case rejected(String)

    /// Whether the input was accepted.
    public var isAccepted: Bool { self == .accepted }
}
