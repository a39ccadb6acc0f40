import Foundation
import HISPayCore
import HISPayStore

/// A `PaymentChannel` whose every outgoing operation — payment, refund, close, reverse, freeze,
/// capture, release — is journaled: the entry (merchant order, refund or request number, amount,
/// expiry) is saved *before* the request is sent and its outcome after, so an operation whose answer
/// is lost is found and settled by the ``Resolver`` — by query, or by resending the close, reverse or
/// release under the same number — and never sent again under a new number. A close or reverse is its
/// own entry (`ORDER#close`, `ORDER#reverse`, the order as its parent); its success closes the order.
/// A refund is refused before it is sent when it and the order's earlier journaled refunds would
/// exceed the order. A definite query answer moves the order forward; queries pass through.
public struct JournaledChannel: PaymentChannel {
    public let inner: any PaymentChannel
    public let store: any PaymentStore
    public let merchant: String
    public let policy: ResolverPolicy
    private let time: any TimeSource

    public init(_ inner: any PaymentChannel, store: any PaymentStore, merchant: String, policy: ResolverPolicy = ResolverPolicy(), time: any TimeSource = SystemTimeSource()) {
        self.inner = inner
        self.store = store
        self.merchant = merchant
        self.policy = policy
        self.time = time
    }

    public var id: ChannelID { inner.id }
    public var capabilities: ChannelCapabilities { inner.capabilities }

    /// Journals the payment, stamped with its request time (kept, so a channel that names orders by
    /// number and time — UnionPay — can query it after a restart), then sends it.
    public func pay(_ request: PayRequest) async throws -> Outcome<Payment> {
        let now = time.now()
        var request = request
        request.requestTime = request.requestTime ?? now
        var entry = newEntry(request.outTradeNo, .pay, amount: request.amount, at: now, requestTime: request.requestTime)
        entry.expiresAt = request.expiresAt ?? policy.expiry(for: request.scene.kind, from: now)
        entry.scene = request.scene.kind
        return try await journaled(entry) { [request] in try await inner.pay(request) }
    }

    /// Journals the refund (its own request time kept too) and sends it, naming the order with its
    /// journaled request time.
    public func refund(_ request: RefundRequest) async throws -> Outcome<Refund> {
        let now = time.now()
        var request = request
        request.requestTime = request.requestTime ?? now
        request.order = try await journaled(request.order)
        try await checkRemainder(request)
        let entry = newEntry(
            request.outRefundNo, .refund, amount: request.refundAmount, at: now, parent: request.order.outTradeNo, requestTime: request.requestTime)
        return try await journaled(entry) { [request] in try await inner.refund(request) }
    }

    /// Refuses a refund that, with the order's earlier refunds that did or may take effect, would
    /// exceed the order (its journaled amount, else the request's `totalAmount`).
    private func checkRemainder(_ request: RefundRequest) async throws {
        guard let orderNo = request.order.outTradeNo else { return }
        let earlier = try await store.journaledRefunds(merchant: merchant, channel: id, parentOrderNo: orderNo, excluding: request.outRefundNo)
        var total = request.totalAmount
        if let payment = try await store.entry(merchant: merchant, channel: id, orderNo: orderNo), payment.operation == .pay || payment.operation == .capture {
            total = payment.amount
        }
        let remainder = (try? total.subtracting(earlier)) ?? .zero
        guard request.refundAmount <= remainder else {
            throw ChannelError(
                .invalidRequest, channel: id, operation: .refund,
                reason: "refund \(request.outRefundNo) of \(request.refundAmount) exceeds what order \(orderNo) has left to refund: \(remainder) of \(total) (\(earlier) refunded or in flight)")
        }
    }

    /// `order` with the request time the journal keeps for it, when the caller gave none.
    func journaled(_ order: OrderReference) async throws -> OrderReference {
        guard order.requestTime == nil, let orderNo = order.outTradeNo,
            let requestTime = try await store.entry(merchant: merchant, channel: id, orderNo: orderNo)?.requestTime
        else { return order }
        var order = order
        order.requestTime = requestTime
        return order
    }

    /// Passes the query through (with the journaled request time); a definite answer (paid, or
    /// failed/closed) moves the journaled order forward, so a barcode payment confirmed by polling is
    /// booked like one confirmed by callback.
    public func query(_ order: OrderReference) async throws -> Outcome<Payment> {
        let order = try await journaled(order)
        let outcome = try await inner.query(order)
        if outcome.kind == .success || outcome.kind == .failure, let orderNo = order.outTradeNo,
            var entry = try await store.entry(merchant: merchant, channel: id, orderNo: orderNo)
        {
            entry.state = Self.state(outcome.kind)
            entry.updatedAt = time.now()
            try await store.save(entry)
        }
        return outcome
    }

    public func close(_ order: OrderReference) async throws -> Outcome<Reversal> {
        let order = try await journaled(order)
        return try await closing(order, .close) { try await inner.close(order) }
    }

    public func reverse(_ order: OrderReference) async throws -> Outcome<Reversal> {
        let order = try await journaled(order)
        return try await closing(order, .reverse) { try await inner.reverse(order) }
    }

    public func queryRefund(_ refund: RefundReference) async throws -> Outcome<Refund> { try await inner.queryRefund(refund) }
    public func verifyCallback(_ request: CallbackRequest) async throws -> VerifiedCallback { try await inner.verifyCallback(request) }
    public func callbackRejection(reason: String) -> HTTPResponse { inner.callbackRejection(reason: reason) }
    public func downloadStatement(_ request: StatementRequest) async throws -> StatementFile { try await inner.downloadStatement(request) }
    /// Journaled under the authorisation's order number (its freeze notice settles it).
    public func freeze(_ request: FreezeRequest) async throws -> Outcome<Authorization> {
        let entry = newEntry(request.outOrderNo, .freeze, amount: request.amount, at: time.now())
        return try await journaled(entry) { try await inner.freeze(request) }
    }
    /// Journaled like a payment (the capture's own order number, the authorisation as its parent).
    public func capture(_ request: CaptureRequest) async throws -> Outcome<Payment> {
        let entry = newEntry(request.outTradeNo, .capture, amount: request.amount, at: time.now(), parent: request.authorizationID)
        return try await journaled(entry) { try await inner.capture(request) }
    }
    /// Journaled under its request number, the authorisation as its parent (the resolver resends it).
    public func release(_ request: ReleaseRequest) async throws -> Outcome<Authorization> {
        let entry = newEntry(request.outRequestNo, .release, amount: request.amount, at: time.now(), parent: request.authorizationID)
        return try await journaled(entry) { try await inner.release(request) }
    }

    /// A new entry for `operation` under `orderNo`, about to be sent at `now`: first checked on the
    /// policy's schedule.
    private func newEntry(
        _ orderNo: String, _ operation: ChannelOperation, amount: Amount, at now: Date, parent: String? = nil, requestTime: Date? = nil
    ) -> JournalEntry {
        JournalEntry(
            merchant: merchant, channel: id, orderNo: orderNo, operation: operation, amount: amount, updatedAt: now,
            nextCheckAt: policy.nextCheck(after: 0, channel: id, from: now), parentOrderNo: parent, requestTime: requestTime)
    }

    /// Saves `entry` as sending, runs `send`, saves the outcome's state. A request that surely was
    /// not sent is journaled failed; one that may have been, unknown (the resolver asks).
    private func journaled<Value: Sendable>(_ entry: JournalEntry, _ send: () async throws -> Outcome<Value>) async throws -> Outcome<Value> {
        var entry = entry
        try await store.save(entry)
        do {
            let outcome = try await send()
            entry.state = Self.state(outcome.kind)
            entry.updatedAt = time.now()
            try await store.save(entry)
            return outcome
        } catch {
            entry.state = (error as? ChannelError)?.isRetrySafe == true ? .failed : .unknown
            entry.updatedAt = time.now()
            try await store.save(entry)
            throw error
        }
    }

    /// Journals a close or reverse as its own entry before sending it; its success closes the order.
    private func closing(_ order: OrderReference, _ operation: ChannelOperation, _ send: () async throws -> Outcome<Reversal>) async throws -> Outcome<Reversal> {
        // An order named only by the channel's id has no journal number to keep it under.
        guard let orderNo = order.outTradeNo else { return try await send() }
        let payment = try await store.entry(merchant: merchant, channel: id, orderNo: orderNo)
        let entry = newEntry(
            JournalEntry.number(of: operation, on: orderNo), operation, amount: payment?.amount ?? .zero, at: time.now(), parent: orderNo,
            requestTime: order.requestTime)
        let outcome = try await journaled(entry, send)
        if outcome.kind == .success { try await store.markClosed(merchant: merchant, channel: id, orderNo: orderNo, at: time.now()) }
        return outcome
    }

    static func state<Value>(_ kind: Outcome<Value>.Kind) -> OrderState {
        switch kind {
        case .success: .succeeded
        case .pending: .pending
        case .failure: .failed
        case .unknown: .unknown
        }
    }
}
