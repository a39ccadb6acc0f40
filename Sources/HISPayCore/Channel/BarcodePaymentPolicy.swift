import Foundation

/// The counter's barcode (付款码) flow, shared by every channel: pay; while the payer is entering a
/// password (pending) or the result is unknown, query the **same** order on a schedule; when the
/// deadline passes without a final answer, reverse (cancel) the order so it can never be paid
/// later — never retry with a new order number.
public struct BarcodePaymentPolicy: Sendable {
    /// Wait before the first query (payers need a few seconds to enter a password).
    public var firstQueryDelay: Duration
    /// Wait between later queries.
    public var queryInterval: Duration
    /// Give up and reverse after this long since the payment was sent.
    public var deadline: Duration
    /// How often to repeat a reversal the channel asks to repeat (WeChat v2 `recall=Y`).
    public var maximumReversals: Int

    public init(
        firstQueryDelay: Duration = .seconds(5),
        queryInterval: Duration = .seconds(3),
        deadline: Duration = .seconds(60),
        maximumReversals: Int = 3
    ) {
        self.firstQueryDelay = firstQueryDelay
        self.queryInterval = queryInterval
        self.deadline = deadline
        self.maximumReversals = maximumReversals
    }

    /// How the flow ended.
    public enum Result: Sendable {
        /// Paid.
        case paid(Payment, ChannelStatus)
        /// Definitely not paid (declined, closed); nothing to undo.
        case failed(ChannelStatus)
        /// Not paid in time; the order was reversed (cancelled, refunded if it had been paid).
        case reversed(Reversal, ChannelStatus)
        /// The reversal itself did not complete: the order needs an operator or a later resolver.
        case unresolved(ChannelStatus)
    }

    /// Runs the flow on `channel`. `sleep` waits (injectable for tests).
    public func run(
        _ request: PayRequest,
        on channel: some PaymentChannel,
        sleep: @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) async throws -> Result {
        var outcome = try await channel.pay(request)
        var waited: Duration = .zero
        var nextWait = firstQueryDelay
        while true {
            switch outcome {
            case .success(let payment, let status): return .paid(payment, status)
            case .failure(let status): return .failed(status)
            case .pending, .unknown: break
            }
            if waited + nextWait > deadline { break }
            try await sleep(nextWait)
            waited += nextWait
            nextWait = queryInterval
            outcome = try await channel.query(.outTradeNo(request.outTradeNo))
        }
        var last = outcome.status
        for _ in 0..<max(1, maximumReversals) {
            let reversal = try await channel.reverse(.outTradeNo(request.outTradeNo))
            last = reversal.status
            if case .success(let value, let status) = reversal, !value.mustRetry { return .reversed(value, status) }
            if case .failure = reversal { break }
        }
        // The reversal was refused or did not finish: the payer may have paid at the last moment.
        let final = try await channel.query(.outTradeNo(request.outTradeNo))
        if case .success(let payment, let status) = final { return .paid(payment, status) }
        return .unresolved(last)
    }
}
