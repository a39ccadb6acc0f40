import Foundation
import HISPayCore
import HISPayService
import HISPayStore
import HTTPTypes
import Hummingbird
import Metrics

/// The callback gateway's HTTP routes, for a HIS to mount in its own Hummingbird servers (`hispay
/// serve` is a thin wrapper around it). They come in two sets, meant for two listeners:
///
/// - The public one, which the channels reach (``addNotifyRoutes(to:)``):
///   `POST /notify/{merchant}/{channel}` — a channel's raw callback, verified, recorded once and
///   acknowledged exactly as the channel expects (`NotificationCentre`); `{channel}` is a name in the
///   `ChannelRegistry` (404 otherwise); a body over ``maximumBodySize`` is refused with 413.
/// - The internal one, for the HIS and the operator (``addInternalRoutes(to:token:metrics:)``), each route
///   refused with 401 without the ``SharedSecret``: `GET /events?after=CURSOR&limit=N` — the recorded
///   events after a cursor, as `{"events": [GatewayEvent…], "next": CURSOR}`; `GET /healthz` — 200
///   while the process serves; `GET /readyz` — 200 when the store answers, else 503; `GET /metrics` —
///   the host's metrics text (Prometheus), when it gives one.
///
/// It counts through swift-metrics, for whatever backend the host bootstraps:
/// `hispay_callbacks_total{channel,result}` (`recorded`, `duplicate`, `quarantined`, `refused`,
/// `tooLarge`), `hispay_callback_refusals_total{channel,reason}` (the refusal's code, e.g.
/// `signatureInvalid`) and `hispay_callback_seconds{channel}` (verify and record, a timer).
///
/// Patients' payment events are never served where the channels can reach them.
///
/// ```swift
/// let gateway = CallbackGateway(centre: centre, store: store, registry: .standard)
/// let channels = Application(router: gateway.notifyRouter(), configuration: .init(address: .hostname("0.0.0.0", port: 8080)))
/// let his = Application(router: gateway.internalRouter(token: try .file("/etc/hispay/internal-token")),
///                       configuration: .init(address: .hostname("127.0.0.1", port: 8081)))
/// ```
public struct CallbackGateway: Sendable {
    /// What became of one callback, for the host to log or act on.
    public struct Observation: Sendable {
        public let merchant: String
        /// The channel's name as it appeared in the URL.
        public let channel: String
        public let receipt: NotificationCentre.Receipt
    }

    public let centre: NotificationCentre
    public let store: any PaymentStore
    public let registry: ChannelRegistry
    /// The largest callback body taken, in bytes.
    public var maximumBodySize: Int
    private let observer: (@Sendable (Observation) -> Void)?

    /// `observer` hears every callback after it is recorded or refused, before it is answered.
    public init(
        centre: NotificationCentre, store: any PaymentStore, registry: ChannelRegistry, maximumBodySize: Int = 1 << 20,
        observer: (@Sendable (Observation) -> Void)? = nil
    ) {
        self.centre = centre
        self.store = store
        self.registry = registry
        self.maximumBodySize = maximumBodySize
        self.observer = observer
    }

    /// A router holding the public route (`/notify/…`).
    public func notifyRouter() -> Router<BasicRequestContext> {
        let router = Router()
        addNotifyRoutes(to: router)
        return router
    }

    /// A router holding the internal routes (`/events`, `/healthz`, `/readyz`, and `/metrics` with
    /// `metrics`), each requiring `token`.
    public func internalRouter(token: SharedSecret, metrics: (@Sendable () -> String)? = nil) -> Router<BasicRequestContext> {
        let router = Router()
        addInternalRoutes(to: router, token: token, metrics: metrics)
        return router
    }

    /// Adds the route the channels call to the HIS's own router (or a group of it).
    public func addNotifyRoutes<Context: RequestContext>(to router: some RouterMethods<Context>) {
        router.post("/notify/:merchant/:channel") { request, context -> Response in
            try await self.notify(request, merchant: try context.parameters.require("merchant"), channel: try context.parameters.require("channel"))
        }
    }

    /// Adds the routes for the HIS and the operator, each refused with 401 unless the request carries
    /// `Authorization: Bearer` and `token`; `/metrics` serves `metrics()` (the host's metrics backend,
    /// e.g. Prometheus's text) when given.
    public func addInternalRoutes<Context: RequestContext>(
        to router: some RouterMethods<Context>, token: SharedSecret, metrics: (@Sendable () -> String)? = nil
    ) {
        func authorized(_ handle: @escaping @Sendable (Request) async throws -> Response) -> @Sendable (Request, Context) async throws -> Response {
            { request, _ in
                guard token.accepts(authorization: request.headers[.authorization]) else {
                    var response = Self.text(401, "the internal routes need Authorization: Bearer <token>")
                    response.headers[.wwwAuthenticate] = "Bearer"
                    return response
                }
                return try await handle(request)
            }
        }
        router.get("/events", use: authorized { try await self.events($0) })
        router.get("/healthz", use: authorized { _ in Self.text(200, "ok") })
        router.get("/readyz", use: authorized { _ in await self.readiness() })
        if let metrics {
            router.get("/metrics", use: authorized { _ in Self.text(200, metrics(), contentType: "text/plain; version=0.0.4; charset=utf-8") })
        }
    }

    private func notify(_ request: Request, merchant: String, channel name: String) async throws -> Response {
        var request = request
        guard let descriptor = registry.descriptor(named: name) else { return Self.text(404, "unknown channel") }
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: maximumBodySize)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            Counter(label: "hispay_callbacks_total", dimensions: [("channel", name), ("result", "tooLarge")]).increment()
            return Self.text(413, "the callback body is over \(maximumBodySize) bytes")
        }
        var headers = HISPayCore.HTTPHeaders()
        for field in request.headers { headers.add(field.name.rawName, field.value) }
        let callback = CallbackRequest(method: "POST", path: request.uri.string, headers: headers, body: Data(body.readableBytesView))
        let started = DispatchTime.now()
        let receipt = await centre.receive(callback, merchant: merchant, channel: descriptor.id)
        Timer(label: "hispay_callback_seconds", dimensions: [("channel", name)]).recordInterval(since: started)
        Counter(label: "hispay_callbacks_total", dimensions: [("channel", name), ("result", receipt.result)]).increment()
        if let code = receipt.refusalCode {
            Counter(label: "hispay_callback_refusals_total", dimensions: [("channel", name), ("reason", code)]).increment()
        }
        observer?(Observation(merchant: merchant, channel: name, receipt: receipt))
        return Self.response(receipt.response)
    }

    /// 200 when the store answers a read, else 503 with why.
    private func readiness() async -> Response {
        do {
            _ = try await store.events(after: Int64.max, limit: 1)
            return Self.text(200, "ready")
        } catch {
            return Self.text(503, "the store does not answer: \((error as? StoreError)?.reason ?? "\(type(of: error))")")
        }
    }

    private func events(_ request: Request) async throws -> Response {
        let parameters = request.uri.queryParameters
        guard let after = Int64(parameters.get("after") ?? "0"), after >= 0, let limit = Int(parameters.get("limit") ?? "100"), (1...1000).contains(limit) else {
            return Self.text(400, "after must be a cursor (integer ≥ 0) and limit 1…1000")
        }
        let events = try await store.events(after: after, limit: limit)
        let page = EventPage(events: events.map(GatewayEvent.init), next: events.last?.cursor ?? after)
        var fields = HTTPFields()
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: .ok, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: Array(try GatewayEvent.encoder.encode(page)))))
    }

    /// One page of `GET /events`: the events and the cursor to ask after next.
    struct EventPage: Encodable {
        let events: [GatewayEvent]
        let next: Int64
    }

    static func text(_ status: Int, _ message: String, contentType: String = "text/plain; charset=utf-8") -> Response {
        var fields = HTTPFields()
        fields[.contentType] = contentType
        return Response(status: .init(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(string: message)))
    }

    /// A channel's exact acknowledgement (status, headers, body) as the HTTP response.
    static func response(_ reply: HISPayCore.HTTPResponse) -> Response {
        var fields = HTTPFields()
        for field in reply.headers {
            if let name = HTTPField.Name(field.name) { fields.append(HTTPField(name: name, value: field.value)) }
        }
        return Response(status: .init(code: reply.status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: Array(reply.body))))
    }
}
