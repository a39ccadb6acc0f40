import Foundation
import HISPayCore

/// Durable state that must survive a crash: the inbox of verified callback events (each recorded
/// exactly once), the payment journal, and small JSON documents (checkout records, cursors).
/// ``SQLPaymentStore`` implements it on SQLite (the embedded default) and PostgreSQL (several HIS
/// nodes on one database); every write is durable when the call returns.
public protocol PaymentStore: Sendable {
    /// Records `event` for `merchant` unless an event with the same channel and deduplication key is
    /// already recorded (then returns that one, `isNew == false`). A new event that is not
    /// quarantined moves its journaled order forward in the same transaction — never back.
    func record(_ event: CallbackEvent, merchant: String, receivedAt: Date, quarantineReason: String?) async throws -> EventRecording
    /// Records `event` as ``record(_:merchant:receivedAt:quarantineReason:)`` does; when no reason is
    /// given and the journal holds the event's order (a refund: its own entry) with another amount,
    /// the event is recorded quarantined with that reason (``journalAmountMismatch(_:journaled:)``).
    /// The default looks the entry up, then records; ``SQLPaymentStore`` decides it in the
    /// transaction that records the event, so no journal write can fall between the two.
    func recordCheckingJournal(_ event: CallbackEvent, merchant: String, receivedAt: Date, quarantineReason: String?) async throws -> EventRecording
    /// The sum of the refunds recorded (not quarantined) for `outTradeNo` on `channel` — what a
    /// cumulative refund total (`CallbackEvent/refundedTotal`) is compared with.
    func recordedRefunds(merchant: String, channel: ChannelID, outTradeNo: String) async throws -> Amount
    /// The sum of the journaled refunds of `parentOrderNo` on `channel` that did or may take effect
    /// (every state but failed and closed), leaving out `excluding` (a refund resent under its own
    /// number): what a new refund is capped against.
    func journaledRefunds(merchant: String, channel: ChannelID, parentOrderNo: String, excluding outRefundNo: String) async throws -> Amount
    /// Delivered (not quarantined) events after `cursor`, oldest first.
    func events(after cursor: Int64, limit: Int) async throws -> [StoredEvent]
    /// Quarantined events after `cursor`, oldest first, for a person to review.
    func quarantined(after cursor: Int64, limit: Int) async throws -> [StoredEvent]
    /// Writes a journal entry (insert or update). Its state is only ever moved forward: a state a
    /// callback already advanced is kept.
    func save(_ entry: JournalEntry) async throws
    func entry(merchant: String, channel: ChannelID, orderNo: String) async throws -> JournalEntry?
    /// Every entry last updated in `[from, to)`, oldest first (a day's journal, e.g. as a ledger).
    func entries(updatedFrom from: Date, to: Date) async throws -> [JournalEntry]
    /// Entries still pending or unknown whose next check is due at `now`, soonest first.
    func dueEntries(at now: Date, limit: Int) async throws -> [JournalEntry]
    /// Claims up to `limit` of the entries due at `now` for one resolver until `until`: their next
    /// check moves to `until` in the claiming transaction, so a resolver on another node passes them
    /// over (PostgreSQL: `FOR UPDATE SKIP LOCKED`, so two claims at once never share an entry). A
    /// resolver that dies holding a claim leaves its entries due again at `until`.
    func claimDueEntries(at now: Date, until: Date, limit: Int) async throws -> [JournalEntry]
    /// Takes the lease `name` for `holder` until `until`, or renews it, unless another holder's lease
    /// is still running at `now`; true when `holder` holds it. Nodes sharing a store use leases so one
    /// of them at a time does a job (forwarding events to one URL); a holder that dies loses its lease
    /// when it runs out. Nodes' clocks are compared, so they must agree to well within a lease.
    func acquireLease(_ name: String, holder: String, now: Date, until: Date) async throws -> Bool
    /// Ends `holder`'s lease `name` now (a clean shutdown), so another node need not wait it out.
    func releaseLease(_ name: String, holder: String) async throws
    /// A JSON document by kind and id.
    func document(_ kind: String, id: String) async throws -> Data?
    func saveDocument(_ kind: String, id: String, _ body: Data) async throws
    /// The documents of `kind` whose id starts with `prefix` (exactly, case included), by id.
    func documents(_ kind: String, idPrefix prefix: String) async throws -> [(id: String, body: Data)]
    func close() async throws
}

extension PaymentStore {
    public func recordCheckingJournal(_ event: CallbackEvent, merchant: String, receivedAt: Date, quarantineReason: String?) async throws -> EventRecording {
        var reason = quarantineReason
        if reason == nil, let amount = event.amount,
            let entry = try await entry(merchant: merchant, channel: event.channel, orderNo: event.journalOrderNo), entry.amount != amount
        {
            reason = Self.journalAmountMismatch(event, journaled: entry.amount)
        }
        return try await record(event, merchant: merchant, receivedAt: receivedAt, quarantineReason: reason)
    }

    /// Why an event whose amount is not its journaled order's is quarantined.
    public static func journalAmountMismatch(_ event: CallbackEvent, journaled: Amount) -> String {
        "amount \(event.amount.map { "\($0)" } ?? "?") is not the journaled \(journaled) for \(event.journalOrderNo)"
    }

    /// Moves `orderNo`'s journal entry, if there is one, to closed (a close or reverse succeeded).
    package func markClosed(merchant: String, channel: ChannelID, orderNo: String, at time: Date) async throws {
        guard var entry = try await entry(merchant: merchant, channel: channel, orderNo: orderNo) else { return }
        entry.state = .closed
        entry.updatedAt = time
        try await save(entry)
    }
}

extension CallbackEvent {
    /// The journal entry whose amount the event's is checked against: a refund's own entry (its
    /// refund number, or the order's when the channel gives none), else the order's.
    package var journalOrderNo: String {
        kind == .refundSucceeded || kind == .refundFailed ? (outRefundNo ?? outTradeNo) : outTradeNo
    }
}
