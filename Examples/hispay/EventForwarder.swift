import Foundation
import HISPay

/// The outbox of `hispay serve --forward URL`: POSTs every delivered event, in cursor order, to the
/// HIS and moves its cursor (a store document) only after a 2xx — so an HIS outage loses nothing;
/// it is retried with back-off (0.2 s doubling to 30 s) until the HIS answers. Each POST carries
/// `Idempotency-Key: hispay-event-<cursor>` for an HIS that must not apply an event twice after a
/// gateway crash between its 2xx and the cursor update.
struct EventForwarder: Sendable {
    let store: any PaymentStore
    let url: String
    let transport: any HTTPTransport

    private var cursorID: String { "forward:" + url }

    func run() async {
        var delay = Duration.milliseconds(200)
        while !Task.isCancelled {
            do {
                let events = try await store.events(after: try await cursor(), limit: 100)
                if events.isEmpty {
                    try await Task.sleep(for: .milliseconds(200))
                    continue
                }
                for event in events { try await forward(event) }
                delay = .milliseconds(200)
            } catch is CancellationError {
                return
            } catch {
                FileHandle.standardError.write(Data("hispay: forwarding to \(url) paused: \(error)\n".utf8))
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(30))
            }
        }
    }

    private func forward(_ event: StoredEvent) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let request = HTTPRequest(
            method: "POST", url: url,
            headers: ["Content-Type": "application/json; charset=utf-8", "Idempotency-Key": "hispay-event-\(event.cursor)"],
            body: try encoder.encode(EventLine(event)))
        let response = try await transport.send(request)
        guard (200..<300).contains(response.status) else {
            throw CLIError("the HIS answered HTTP \(response.status) for event \(event.cursor)")
        }
        try await store.saveDocument("cursor", id: cursorID, Data(#"{"cursor":\#(event.cursor)}"#.utf8))
    }

    private func cursor() async throws -> Int64 {
        guard let body = try await store.document("cursor", id: cursorID) else { return 0 }
        guard let cursor = ConfigValue.decode(body)?.objectValue["cursor"]?.text.flatMap(Int64.init) else {
            throw CLIError("the forward cursor document is not {\"cursor\": N}")
        }
        return cursor
    }
}
