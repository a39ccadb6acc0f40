import ArgumentParser
import Foundation
import HISPay

/// `hispay events`: the recorded callback events of a store as JSON lines, oldest first.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events", abstract: "List recorded callback events as JSON lines (cursor order).")

    @Option(help: "sqlite:PATH or postgres://user@host:port/database.")
    var store: String

    @Option(help: "Only events after this cursor (the last one seen).")
    var after: Int64 = 0

    @Flag(help: "List quarantined events (amount or merchant id disagreeing with the journal) instead.")
    var quarantined = false

    @Option(help: "At most this many events.")
    var limit = 1000

    func run() async throws {
        guard limit > 0 else { throw CLIError("--limit must be positive") }
        let store = try await SQLPaymentStore.open(self.store)
        do {
            let events = quarantined ? try await store.quarantined(after: after, limit: limit) : try await store.events(after: after, limit: limit)
            for event in events { try JSONOutput.line(EventLine(event)) }
            try await store.close()
        } catch {
            try? await store.close()
            throw error
        }
    }
}

/// One event as the CLI and the callback gateway print it. Amounts are integer fen.
struct EventLine: Encodable {
    let cursor: Int64
    let merchant: String
    let channel: String
    let kind: String
    let outTradeNo: String
    let transactionId: String?
    let outRefundNo: String?
    let amount: Int64?
    let merchantId: String?
    let occurredAt: String?
    let receivedAt: String
    let fields: [String: String]
    let quarantineReason: String?

    init(_ stored: StoredEvent) {
        let event = stored.event
        cursor = stored.cursor
        merchant = stored.merchant
        channel = event.channel.rawValue
        kind = event.kind.name
        outTradeNo = event.outTradeNo
        transactionId = event.transactionID
        outRefundNo = event.outRefundNo
        amount = event.amount?.fen
        merchantId = event.merchantID
        occurredAt = event.occurredAt.map(BeijingTime.iso8601)
        receivedAt = BeijingTime.iso8601(stored.receivedAt)
        fields = event.fields
        quarantineReason = stored.quarantineReason
    }
}
