import HISPayCore

/// A classified APIv2 answer: a verified `result_code=SUCCESS` body, or a status for an outcome.
struct WeChatPayV2Answer {
    let success: [String: String]?
    let status: ChannelStatus
    /// `return_code=FAIL`: the gateway refused the request itself (signature, parameters), so nothing happened.
    let gatewayRefused: Bool

    func outcome<Value: Sendable>() -> Outcome<Value> {
        if gatewayRefused { return .failure(status) }
        switch status.code {
        case "USERPAYING"?:
            return .pending(nil, status)
        case "SYSTEMERROR"?, "BANKERROR"?, "ORDERPAID"?, nil:
            return .unknown(status)
        default:
            return .failure(status)
        }
    }
}
