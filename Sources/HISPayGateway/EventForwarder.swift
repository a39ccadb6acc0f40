import Foundation
import HISPayCore
import HISPayStore
import Metrics

/// The outbox: POSTs every delivered event, in cursor order, to the HIS and moves its cursor (a
/// store document) only after a 2xx — so an HIS outage loses nothing; it is retried with back-off
/// (0.2 s doubling to 30 s) until the HIS answers. Each POST carries
/// `Idempotency-Key: hispay-event-<cursor>` for an HIS that must not apply an event twice after a
/// gateway crash between its 2xx and the cursor update, and, with a ``secret``,
/// `HISPay-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`
/// (``SharedSecret/signatureHeader(for:at:)``) so the HIS can tell it from a forgery.
///
/// It counts through swift-metrics: `hispay_forwarded_total`, `hispay_forward_backlog` (events waiting,
/// counted up to a page of 100) and `hispay_forward_lag_seconds` (how long the oldest waiting event
/// has waited; 0 when none does).
public struct EventForwarder: Sendable {
    /// Why forwarding failed: the HIS's refusal or an unreadable cursor document.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public let store: any PaymentStore
    public let url: String
    public let transport: any HTTPTransport
    /// The key each POST is signed with (`HISPay-Signature`); nil sends events unsigned.
    public let secret: SharedSecret?
    private let clock: @Sendable () -> Date
    private let onPause: @Sendable (String) -> Void

    /// `onPause` hears why forwarding paused before each retry; `clock` dates the signatures.
    public init(
        store: any PaymentStore, url: String, transport: any HTTPTransport, secret: SharedSecret?, clock: @escaping @Sendable () -> Date = Date.init,
        onPause: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.store = store
        self.url = url
        self.transport = transport
        self.secret = secret
        self.clock = clock
        self.onPause = onPause
    }

    private var cursorID: String { "forward:" + url }

    /// Forwards until cancelled.
    public func run() async {
        var delay = Duration.milliseconds(200)
        while !Task.isCancelled {
            do {
                let events = try await store.events(after: try await cursor(), limit: 100)
                Gauge(label: "hispay_forward_backlog").record(events.count)
                Gauge(label: "hispay_forward_lag_seconds").record(events.first.map { max(0, clock().timeIntervalSince($0.receivedAt)) } ?? 0)
                if events.isEmpty {
                    try await Task.sleep(for: .milliseconds(200))
                    continue
                }
                for event in events { try await forward(event) }
                delay = .milliseconds(200)
            } catch is CancellationError {
                return
            } catch {
                onPause("forwarding to \(url) paused: \(error)")
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(30))
            }
        }
    }

    private func forward(_ event: StoredEvent) async throws {
        let body = try GatewayEvent.encoder.encode(GatewayEvent(event))
        var headers: HTTPHeaders = ["Content-Type": "application/json; charset=utf-8", "Idempotency-Key": "hispay-event-\(event.cursor)"]
        if let secret { headers.add("HISPay-Signature", try secret.signatureHeader(for: body, at: clock())) }
        let request = HTTPRequest(method: "POST", url: url, headers: headers, body: body)
        let response = try await transport.send(request)
        guard (200..<300).contains(response.status) else {
            throw Failure(description: "the HIS answered HTTP \(response.status) for event \(event.cursor)")
        }
        try await store.saveDocument("cursor", id: cursorID, Data(#"{"cursor":\#(event.cursor)}"#.utf8))
        Counter(label: "hispay_forwarded_total").increment()
    }

    private func cursor() async throws -> Int64 {
        guard let body = try await store.document("cursor", id: cursorID) else { return 0 }
        guard let cursor = ConfigValue.decode(body)?.objectValue["cursor"]?.text.flatMap(Int64.init) else {
            throw Failure(description: "the forward cursor document is not {\"cursor\": N}")
        }
        return cursor
    }
}
