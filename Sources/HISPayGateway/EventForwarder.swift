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
/// Several nodes sharing a store may each run a forwarder to the same URL: they take turns through a
/// lease in the store (`PaymentStore.acquireLease(_:holder:now:until:)`), renewed while forwarding,
/// so one node at a time forwards; when it dies, another takes over once the lease runs out
/// (``lease`` seconds) and goes on from the saved cursor. Only a node that dies between the HIS's 2xx and
/// the cursor update (or pauses longer than two thirds of a lease) sends an event again — with the
/// same idempotency key.
///
/// It counts through swift-metrics: `hispay_forwarded_total`, `hispay_forward_backlog` (events waiting,
/// counted up to a page of 100), `hispay_forward_lag_seconds` (how long the oldest waiting event
/// has waited; 0 when none does) and `hispay_forward_leader` (1 on the node holding the lease, else 0).
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
    /// This forwarder's name as a lease holder: unique to the process.
    public let node: String
    /// Seconds the forwarding lease lasts unless renewed: how long the other nodes wait after its
    /// holder dies.
    public let lease: TimeInterval
    private let clock: @Sendable () -> Date
    private let onPause: @Sendable (String) -> Void

    /// `onPause` hears why forwarding paused before each retry; `clock` dates the signatures and the lease.
    public init(
        store: any PaymentStore, url: String, transport: any HTTPTransport, secret: SharedSecret?, node: String = EventForwarder.processName(),
        lease: TimeInterval = 10, clock: @escaping @Sendable () -> Date = Date.init, onPause: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.store = store
        self.url = url
        self.transport = transport
        self.secret = secret
        self.node = node
        self.lease = lease
        self.clock = clock
        self.onPause = onPause
    }

    /// A lease holder's name for this process: host, process id and a random part.
    public static func processName() -> String {
        "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(UUID().uuidString.prefix(8))"
    }

    /// The cursor document's id, and the lease's name.
    private var cursorID: String { "forward:" + url }

    /// Forwards while this node holds the lease, until cancelled; then hands the lease back.
    public func run() async {
        var delay = Duration.milliseconds(200)
        var renewed: Date?  // when this node last took or renewed the lease; nil while another holds it
        func holdsLease() async throws -> Bool {
            let now = clock()
            if let renewed, now.timeIntervalSince(renewed) < lease / 3 { return true }
            let held = try await store.acquireLease(cursorID, holder: node, now: now, until: now.addingTimeInterval(lease))
            renewed = held ? now : nil
            Gauge(label: "hispay_forward_leader").record(held ? 1 : 0)
            return held
        }
        while !Task.isCancelled {
            do {
                guard try await holdsLease() else {
                    try await Task.sleep(for: .seconds(min(1, lease / 4)))
                    continue
                }
                let events = try await store.events(after: try await cursor(), limit: 100)
                Gauge(label: "hispay_forward_backlog").record(events.count)
                Gauge(label: "hispay_forward_lag_seconds").record(events.first.map { max(0, clock().timeIntervalSince($0.receivedAt)) } ?? 0)
                if events.isEmpty {
                    try await Task.sleep(for: .milliseconds(200))
                    continue
                }
                // The lease is checked (and renewed when a third of it has passed) before each event.
                for event in events {
                    guard try await holdsLease() else { break }
                    try await forward(event)
                }
                delay = .milliseconds(200)
            } catch is CancellationError {
                break
            } catch {
                onPause("forwarding to \(url) paused: \(error)")
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(30))
            }
        }
        if renewed != nil { try? await store.releaseLease(cursorID, holder: node) }
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
