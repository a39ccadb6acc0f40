/// The four outcomes of a channel call (DESIGN decision 3). Each carries the channel's raw status.
///
/// - ``success(_:_:)``: done (paid, refunded, closed).
/// - ``pending(_:_:)``: the channel accepted it and waits on the payer or its own processing
///   (user entering a password, QR shown, refund processing). The value, when present, says what
///   to show the payer.
/// - ``failure(_:)``: definitely did not happen; safe to start over with a **new** order number.
/// - ``unknown(_:)``: may or may not have happened (timeout, 5xx, system error). Resolve by
///   querying with the **same** order number; never retry with a new one.
public enum Outcome<Value: Sendable>: Sendable {
    case success(Value, ChannelStatus)
    case pending(Value?, ChannelStatus)
    case failure(ChannelStatus)
    case unknown(ChannelStatus)

    /// The outcome without its data.
    public enum Kind: String, Hashable, Sendable {
        case success, pending, failure, unknown
    }

    public var kind: Kind {
        switch self {
        case .success: .success
        case .pending: .pending
        case .failure: .failure
        case .unknown: .unknown
        }
    }

    /// The channel's raw status.
    public var status: ChannelStatus {
        switch self {
        case .success(_, let status), .pending(_, let status), .failure(let status), .unknown(let status): status
        }
    }

    /// The value, for success and for pending when the channel returned one.
    public var value: Value? {
        switch self {
        case .success(let value, _): value
        case .pending(let value, _): value
        case .failure, .unknown: nil
        }
    }

    /// Whether the caller must query before deciding anything.
    public var needsQuery: Bool { kind == .unknown || kind == .pending }

    /// The same outcome with its value transformed.
    public func map<T: Sendable>(_ transform: (Value) throws -> T) rethrows -> Outcome<T> {
        switch self {
        case .success(let value, let status): .success(try transform(value), status)
        case .pending(let value, let status): .pending(try value.map(transform), status)
        case .failure(let status): .failure(status)
        case .unknown(let status): .unknown(status)
        }
    }
}
