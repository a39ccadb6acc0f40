import HISPayCore

/// A classified APIv3 answer: a verified 2xx JSON body, or a status to map onto an outcome.
struct WeChatPayV3Answer {
    let status: Int
    /// The body of a verified 2xx answer; nil otherwise.
    let success: [String: Any]?
    let channelStatus: ChannelStatus

    /// The outcome of a non-2xx answer or of a transport failure after the request was sent:
    /// the payer is entering a password → pending; 5xx, `SYSTEM_ERROR`, `BANK_ERROR`, rate limits or
    /// no answer at all, `ORDERPAID` → unknown (query); any other error code (`ORDERPAID`, `ORDER_CLOSED`,
    /// `PARAM_ERROR`, …) → failure.
    func outcome<Value: Sendable>() -> Outcome<Value> {
        switch channelStatus.code {
        case "USERPAYING"?:
            return .pending(nil, channelStatus)
        case "SYSTEM_ERROR"?, "SYSTEMERROR"?, "BANK_ERROR"?, "BANKERROR"?, "FREQUENCY_LIMITED"?, nil:
            return .unknown(channelStatus)
        case "ORDERPAID"?:
            // Already paid under this order number: query for the transaction, never pay again.
            return .unknown(channelStatus)
        default:
            return status >= 500 ? .unknown(channelStatus) : .failure(channelStatus)
        }
    }
}
