import ArgumentParser
import Foundation
import HISPay
import HISPayGateway
import HISPayTesting

/// `hispay events`: the recorded callback events of a store as JSON lines, oldest first.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events", abstract: "List recorded callback events as JSON lines (cursor order).")

    @Option(help: "sqlite:PATH or postgres://user@host:port/database.")
    var store: String

    @Option(parsing: .unconditional, help: "Only events after this cursor (the last one seen).")
    var after: Int64 = 0

    @Flag(help: "List quarantined events (amount or merchant id disagreeing with the journal) instead.")
    var quarantined = false

    @Option(parsing: .unconditional, help: "At most this many events.")
    var limit = 1000

    func run() async throws {
        guard limit > 0 else { throw CLIError("--limit must be positive, not \(limit)") }
        guard after >= 0 else { throw CLIError("--after is a cursor (0 or more), not \(after)") }
        try await StoreOpening.using(self.store, create: false, creatable: false) { store in
            let events = quarantined ? try await store.quarantined(after: after, limit: limit) : try await store.events(after: after, limit: limit)
            let output = JSONOutput.Lines()
            defer { output.flush() }
            for event in events { try output.write(GatewayEvent(event)) }
        }
    }
}
