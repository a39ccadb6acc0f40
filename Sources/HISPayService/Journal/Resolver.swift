import Foundation
import HISPayCore
import HISPayStore

/// Settles journaled orders whose outcome is pending or unknown: each due entry is queried (a
/// refund by its refund number), a payment still unpaid at its expiry is closed — or reversed, for
/// a barcode payment — a close, reverse or release whose answer was lost is sent again under its own
/// number, and anything still open is asked again on the policy's back-off schedule. (A freeze whose
/// answer was lost is left to its notice and reported as a failure each time it is due.)
/// It only ever queries, closes or reverses under the journaled numbers: nothing is re-sent, least
/// of all under a new order number.
public struct Resolver: Sendable {
    /// What the resolver did to one entry.
    public struct Resolution: Sendable, Hashable {
        public let merchant: String
        public let channel: ChannelID
        public let orderNo: String
        public let from: OrderState
        public let to: OrderState
        /// `query`, `close` or `reverse`.
        public let action: ChannelOperation
        /// Why the entry could not be resolved this time (e.g. the channel unreachable); nil otherwise.
        public let failure: String?
    }

    public let store: any PaymentStore
    /// The channels by merchant profile name — the plain ones, not journaled wrappers.
    private let channels: [String: [ChannelID: any PaymentChannel]]
    private let policy: ResolverPolicy
    private let time: any TimeSource
    private let claim: TimeInterval

    /// `claim`: how long the entries a round takes are kept from other nodes' resolvers (see
    /// ``resolveDue(limit:)``); longer than a round of `limit` queries takes.
    public init(
        store: any PaymentStore, channels: [String: [ChannelID: any PaymentChannel]], policy: ResolverPolicy = ResolverPolicy(),
        time: any TimeSource = SystemTimeSource(), claim: TimeInterval = 120
    ) {
        self.store = store
        self.channels = channels
        self.policy = policy
        self.time = time
        self.claim = claim
    }

    /// Works through up to `limit` entries due now, claimed first (`PaymentStore.claimDueEntries(at:until:limit:)`)
    /// so that resolvers on several nodes sharing the store never work on one entry at once; one
    /// entry's failure (e.g. the channel unreachable) reschedules it and does not stop the others. An
    /// entry of a merchant or channel this resolver has no channel for is rescheduled with that as
    /// its failure — skipped in place, a hundred of them would keep every other entry from its turn.
    public func resolveDue(limit: Int = 20) async throws -> [Resolution] {
        var resolutions: [Resolution] = []
        let now = time.now()
        for entry in try await store.claimDueEntries(at: now, until: now.addingTimeInterval(claim), limit: limit) {
            var updated = entry
            let action: ChannelOperation
            var failure: String?
            do {
                guard let channel = channels[entry.merchant]?[entry.channel] else {
                    throw Unsettleable(description: "no \(entry.channel) channel of merchant \(entry.merchant) here can query it (no signing key for it in this profile)")
                }
                (updated.state, action) = try await resolve(entry, on: channel)
            } catch {
                (updated.state, action, failure) = (entry.state, .query, "\(error)")
            }
            updated.attempts += 1
            updated.updatedAt = time.now()
            updated.nextCheckAt = policy.nextCheck(after: updated.attempts, channel: entry.channel, from: time.now())
            try await store.save(updated)
            resolutions.append(Resolution(merchant: entry.merchant, channel: entry.channel, orderNo: entry.orderNo, from: entry.state, to: updated.state, action: action,
                failure: failure))
        }
        return resolutions
    }

    /// Resolves due entries every `interval` until cancelled. `report` hears each round: the
    /// resolutions (those with a ``Resolution/failure`` could not be settled this time and are asked
    /// again later), or why the round failed (the store unreachable) — for the host to log, as
    /// nothing here is dropped silently.
    public func run(every interval: Duration = .seconds(1), report: @escaping @Sendable (Result<[Resolution], any Error>) -> Void = { _ in }) async {
        let limit = 20
        while !Task.isCancelled {
            do {
                let resolutions = try await resolveDue(limit: limit)
                report(.success(resolutions))
                if resolutions.count == limit { continue }  // more may be due now
            } catch {
                report(.failure(error))
            }
            try? await Task.sleep(for: interval)
        }
    }

    /// Why an entry cannot be settled by the resolver: a person (or the channel's own notice) must.
    struct Unsettleable: Error, CustomStringConvertible {
        let description: String
    }

    /// The entry's new state and what was done to learn it.
    private func resolve(_ entry: JournalEntry, on channel: any PaymentChannel) async throws -> (OrderState, ChannelOperation) {
        switch entry.operation {
        case .refund:
            let outcome = try await channel.queryRefund(
                RefundReference(outRefundNo: entry.orderNo, order: entry.parentOrderNo.map { OrderReference.outTradeNo($0) }, requestTime: entry.requestTime))
            return (JournaledChannel.state(outcome.kind), .query)
        case .close, .reverse:
            // A close or reverse whose answer was lost is sent again for the same order (both are
            // idempotent on the channels); its success closes the order.
            guard let orderNo = entry.parentOrderNo else { throw Unsettleable(description: "\(entry.operation) \(entry.orderNo) names no order") }
            let order = OrderReference(outTradeNo: orderNo, requestTime: entry.requestTime)
            let outcome = entry.operation == .reverse ? try await channel.reverse(order) : try await channel.close(order)
            if outcome.kind == .success { try await store.markClosed(merchant: entry.merchant, channel: entry.channel, orderNo: orderNo, at: time.now()) }
            return (JournaledChannel.state(outcome.kind), entry.operation)
        case .release:
            guard let authorization = entry.parentOrderNo else { throw Unsettleable(description: "release \(entry.orderNo) names no authorisation") }
            let outcome = try await channel.release(
                ReleaseRequest(authorizationID: authorization, outRequestNo: entry.orderNo, amount: entry.amount, remark: "resent by the resolver"))
            return (JournaledChannel.state(outcome.kind), .release)
        case .freeze:
            throw Unsettleable(
                description: "freeze \(entry.orderNo): its answer was lost and a freeze cannot be queried through PaymentChannel; its notice settles it, or look it up on the channel")
        default:
            break
        }
        // The journaled request time names the order where the channel needs it (UnionPay), also
        // after a restart emptied the channel's memory.
        let order = OrderReference(outTradeNo: entry.orderNo, requestTime: entry.requestTime)
        let outcome = try await channel.query(order)
        switch outcome.kind {
        case .success: return (.succeeded, .query)
        case .failure: return (.failed, .query)
        case .pending, .unknown:
            // A pending answer at least tells the order exists and waits for the payer.
            let open: OrderState = outcome.kind == .pending ? .pending : entry.state
            guard let expiry = entry.expiresAt, time.now() >= expiry else { return (open, .query) }
            let action: ChannelOperation = entry.scene == .barcode ? .reverse : .close
            let ended = action == .reverse ? try await channel.reverse(order) : try await channel.close(order)
            return (ended.kind == .success ? .closed : open, action)
        }
    }
}
