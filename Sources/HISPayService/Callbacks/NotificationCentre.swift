import Foundation
import HISPayCore
import HISPayStore

/// The one entry point for channel callbacks: a raw request for a merchant profile and channel is
/// verified and decrypted by that channel's adapter, recorded durably (exactly once), and answered
/// with the exact acknowledgement the channel expects — only after the record is committed, so a
/// crash before that makes the channel retry, and the retry is acknowledged without a second event.
///
/// An event whose merchant id differs from the profile's (the channel's handler says so in
/// `VerifiedCallback/quarantine`, or the route's `merchantID` differs), or whose amount differs from
/// the journaled order's, is recorded as quarantined (listed by `PaymentStore/quarantined(after:limit:)`,
/// never delivered or applied) and still acknowledged: retrying would not change it.
public struct NotificationCentre: Sendable {
    /// What one merchant profile's channel needs to take callbacks.
    public struct Route: Sendable {
        /// Verifies the channel's callbacks: the channel itself, or its verify-only verifier.
        public let verifier: any CallbackVerifier
        /// The merchant id events must carry (WeChat `mchid`, Alipay `app_id`, UnionPay `merId`); nil
        /// skips the check.
        public let merchantID: String?

        public init(verifier: any CallbackVerifier, merchantID: String? = nil) {
            self.verifier = verifier
            self.merchantID = merchantID
        }

        /// The channel, when the verifier is one (it can then be asked about a refund).
        var channel: (any PaymentChannel)? { verifier as? any PaymentChannel }
    }

    /// What became of one callback.
    public struct Receipt: Sendable {
        /// The reply to send the channel.
        public let response: HTTPResponse
        /// The recorded event (new or a duplicate); nil when the callback was refused.
        public let recording: EventRecording?
        /// Why the callback was refused (the channel will retry it); nil when it was recorded.
        public let refusal: String?
        /// The refusal as a short code for counting: the verifier's `ChannelError` code
        /// (`signatureInvalid`, `staleTimestamp`, …), `notVerified` for another error, `notRecorded`
        /// when the store failed, `unknownRoute`; nil when it was recorded.
        public let refusalCode: String?

        package init(response: HTTPResponse, recording: EventRecording?, refusal: String?, refusalCode: String?) {
            self.response = response
            self.recording = recording
            self.refusal = refusal
            self.refusalCode = refusalCode
        }

        /// How the callback ended, for counting: `recorded`, `duplicate`, `quarantined` or `refused`.
        public var result: String {
            guard let recording else { return "refused" }
            if !recording.isNew { return "duplicate" }
            return recording.event.quarantineReason == nil ? "recorded" : "quarantined"
        }
    }

    public let store: any PaymentStore
    private let routes: [String: [ChannelID: Route]]
    private let time: any TimeSource

    /// `routes` maps merchant profile names to their channels.
    public init(store: any PaymentStore, routes: [String: [ChannelID: Route]], time: any TimeSource = SystemTimeSource()) {
        self.store = store
        self.routes = routes
        self.time = time
    }

    /// Verifies, records and acknowledges one callback addressed to `merchant`'s `channel`.
    public func receive(_ request: CallbackRequest, merchant: String, channel: ChannelID) async -> Receipt {
        guard let route = routes[merchant]?[channel] else {
            let reason = "no \(channel) channel is configured for merchant \(merchant)"
            return Receipt(
                response: HTTPResponse(status: 404, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Data(reason.utf8)), recording: nil, refusal: reason,
                refusalCode: "unknownRoute")
        }
        let verified: VerifiedCallback
        do {
            verified = try await route.verifier.verifyCallback(request)
        } catch {
            return refuse(route, "callback not accepted: \(error)", code: (error as? ChannelError).map { "\($0.code)" } ?? "notVerified")
        }
        do {
            var event = verified.event
            var quarantine = verified.quarantine
            if quarantine == nil, event.amount == nil, let total = event.refundedTotal {
                switch try await singleRefund(event, total: total, merchant: merchant, route: route) {
                case .success(let amount): event.amount = amount
                case .failure(let reason): quarantine = reason.description
                }
            }
            if quarantine == nil, let expected = route.merchantID, let actual = event.merchantID, actual != expected {
                quarantine = "merchant id \(actual) is not this profile's \(expected)"
            }
            // The amount is checked against the journal in the transaction that records the event.
            let recording = try await store.recordCheckingJournal(event, merchant: merchant, receivedAt: time.now(), quarantineReason: quarantine)
            return Receipt(response: verified.acknowledgement, recording: recording, refusal: nil, refusalCode: nil)
        } catch {
            // Not recorded: not acknowledged either, so the channel sends it again.
            return refuse(route, "callback verified but not recorded: \(error)", code: "notRecorded")
        }
    }

    /// Why a refund's own amount could not be derived from a cumulative total.
    struct Underivable: Error, CustomStringConvertible {
        let description: String
    }

    /// This refund's amount, when the channel gave the order's total refunded so far: the journaled
    /// refund's amount (HISPay sent it); else what the channel answers for the refund number (a
    /// total minus what was recorded before is wrong when two refunds' notices arrive out of order);
    /// else, when the refund cannot be queried, the total less the refunds already recorded for the
    /// order, if that is positive. Failure: the event is quarantined with the reason — acknowledged,
    /// listed for review, never recorded with a wrong amount.
    private func singleRefund(_ event: CallbackEvent, total: Amount, merchant: String, route: Route) async throws -> Result<Amount, Underivable> {
        if let refundNo = event.outRefundNo {
            if let entry = try await store.entry(merchant: merchant, channel: event.channel, orderNo: refundNo), entry.operation == .refund {
                return .success(entry.amount)
            }
            let queried = try? await route.channel?.queryRefund(RefundReference(outRefundNo: refundNo, order: .outTradeNo(event.outTradeNo)))
            if case .success(let refund, _)? = queried, refund.amount.fen > 0 { return .success(refund.amount) }
        }
        let before = try await store.recordedRefunds(merchant: merchant, channel: event.channel, outTradeNo: event.outTradeNo)
        if let single = try? total.subtracting(before), single.fen > 0 { return .success(single) }
        return .failure(Underivable(
            description: "refund \(event.outRefundNo ?? "?") of \(event.outTradeNo): its own amount cannot be told from the order's refunded total \(total) (\(before) already recorded), and no journal entry or refund query gives it"))
    }

    private func refuse(_ route: Route, _ reason: String, code: String) -> Receipt {
        Receipt(response: route.verifier.callbackRejection(reason: reason), recording: nil, refusal: reason, refusalCode: code)
    }
}
