import HISPayCore

/// A classified gateway answer: verified `10000` fields, or a status for an outcome.
struct AlipayAnswer {
    let success: [String: Any]?
    let status: ChannelStatus
    let gatewayError: Bool

    func outcome<Value: Sendable>() -> Outcome<Value> {
        if gatewayError { return .failure(status) }
        switch (status.code, status.subCode) {
        case ("10003"?, _): return .pending(nil, status)
        case (nil, _), ("20000"?, _), (_, "ACQ.SYSTEM_ERROR"?), (_, "ACQ.TRADE_HAS_SUCCESS"?), (_, "aop.unknow-error"?), (_, "isp.unknow-error"?):
            return .unknown(status)
        default: return .failure(status)
        }
    }
}
