import HISPayCore

/// A classified ACP answer.
struct UnionPayAnswer {
    let fields: [String: String]
    let status: ChannelStatus

    /// `respCode` `00`: accepted (for money operations: not yet paid).
    var accepted: Bool { status.code == "00" }

    /// The outcome of an answer that was not accepted: `03`/`04`/`05`, 5xx or no answer → unknown
    /// (query); anything else → failure.
    func outcome<Value: Sendable>() -> Outcome<Value> {
        switch status.code {
        case nil, "03"?, "04"?, "05"?: .unknown(status)
        default: .failure(status)
        }
    }
}
