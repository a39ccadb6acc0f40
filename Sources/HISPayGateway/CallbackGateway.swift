import Foundation
import HISPayCore
import HISPayService
import HISPayStore
import HTTPTypes
import Hummingbird
import Logging
import Metrics

/// The callback gateway's HTTP routes, for a HIS to mount in its own Hummingbird servers (`hispay
/// serve` is a thin wrapper around it). They come in two sets, meant for two listeners:
///
/// - The public one, which the channels reach (``addNotifyRoutes(to:)``):
///   `POST /notify/{merchant}/{channel}` — a channel's raw callback, verified, recorded once and
///   acknowledged exactly as the channel expects (`NotificationCentre`). Before the channel sees it,
///   a callback is refused when `{channel}` is no name in the `ChannelRegistry` (404), its source is
///   over the ``rateLimiter``'s rate (429, `Retry-After: 1`), its `Content-Type` is not one the channel
///   sends (415, `ChannelDescriptor/callbackMediaTypes`) or its body is over ``maximumBodySize`` (413).
/// - The internal one, for the HIS and the operator (``addInternalRoutes(to:token:metrics:)``), each route
///   refused with 401 without the ``SharedSecret``: `GET /events?after=CURSOR&limit=N` — the recorded
///   events after a cursor, as `{"events": [GatewayEvent…], "next": CURSOR}`; `GET /healthz` — 200
///   while the process serves; `GET /readyz` — 200 when the store answers, else 503; `GET /metrics` —
///   the host's metrics text (Prometheus), when it gives one.
///
/// It counts through swift-metrics, for whatever backend the host bootstraps:
/// `hispay_callbacks_total{channel,result}` (`recorded`, `duplicate`, `quarantined`, `refused`),
/// `hispay_callback_refusals_total{channel,reason}` (the refusal's code: the verifier's, e.g.
/// `signatureInvalid`, or `unknownChannel`, `rateLimited`, `unsupportedMediaType`, `tooLarge`; an
/// unknown channel is counted as `channel="unknown"`) and `hispay_callback_seconds{channel}` (verify and
/// record, a timer). It logs each callback through the request's swift-log logger, whose metadata
/// carries Hummingbird's request id (`hb.request.id`), with `merchant`, `channel`, `result` and the
/// event's `cursor` or the refusal's `code`: refusals and quarantined events as warnings, the others
/// at debug.
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
        /// Hummingbird's id of the request, as in the gateway's log lines (`hb.request.id`).
        public let requestID: String
    }

    public let centre: NotificationCentre
    public let store: any PaymentStore
    public let registry: ChannelRegistry
    /// The largest callback body taken, in bytes.
    public var maximumBodySize: Int
    /// The per-source limit on callbacks; nil: none.
    public var rateLimiter: SourceRateLimiter?
    /// The request header naming a callback's source when a proxy the gateway trusts sets it (e.g.
    /// `X-Real-IP`); nil: the connection's peer address.
    public var sourceHeader: String?
    private let observer: (@Sendable (Observation) -> Void)?

    /// `observer` hears every callback after it is recorded or refused, before it is answered.
    public init(
        centre: NotificationCentre, store: any PaymentStore, registry: ChannelRegistry, maximumBodySize: Int = 1 << 20,
        rateLimiter: SourceRateLimiter? = nil, sourceHeader: String? = nil, observer: (@Sendable (Observation) -> Void)? = nil
    ) {
        self.centre = centre
        self.store = store
        self.registry = registry
        self.maximumBodySize = maximumBodySize
        self.rateLimiter = rateLimiter
        self.sourceHeader = sourceHeader
        self.observer = observer
    }

    /// A router holding the public route (`/notify/…`), whose context knows the peer's address.
    public func notifyRouter() -> Router<CallbackRequestContext> {
        let router = Router(context: CallbackRequestContext.self)
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

    /// Adds the route the channels call to the HIS's own router (or a group of it). The rate limit
    /// counts by the peer's address when the context knows it (`RemoteAddressRequestContext`, as
    /// ``CallbackRequestContext``) or by ``sourceHeader``; otherwise all callbacks count as one source.
    public func addNotifyRoutes<Context: RequestContext>(to router: some RouterMethods<Context>) {
        router.post("/notify/:merchant/:channel") { request, context -> Response in
            try await self.notify(request, context, merchant: try context.parameters.require("merchant"), channel: try context.parameters.require("channel"))
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

    private func notify(_ request: Request, _ context: some RequestContext, merchant: String, channel name: String) async throws -> Response {
        var request = request
        guard let descriptor = registry.descriptor(named: name) else {
            return refuse(404, "unknownChannel", "no channel is named \(name)", merchant: merchant, channel: "unknown", context)
        }
        if let rateLimiter, !rateLimiter.admit(source(of: request, context)) {
            var response = refuse(429, "rateLimited", "over \(rateLimiter.perSecond) callbacks a second from this source", merchant: merchant, channel: name, context)
            response.headers[.retryAfter] = "1"
            return response
        }
        let contentType = request.headers[.contentType]
        guard descriptor.acceptsCallback(contentType: contentType) else {
            return refuse(
                415, "unsupportedMediaType", "\(name) callbacks are \(descriptor.callbackMediaTypes.joined(separator: " or ")), not \(contentType ?? "")",
                merchant: merchant, channel: name, context)
        }
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: maximumBodySize)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            return refuse(413, "tooLarge", "the callback body is over \(maximumBodySize) bytes", merchant: merchant, channel: name, context)
        }
        var headers = HISPayCore.HTTPHeaders()
        for field in request.headers { headers.add(field.name.rawName, field.value) }
        let callback = CallbackRequest(method: "POST", path: request.uri.string, headers: headers, body: Data(body.readableBytesView))
        let started = DispatchTime.now()
        let receipt = await centre.receive(callback, merchant: merchant, channel: descriptor.id)
        Timer(label: "hispay_callback_seconds", dimensions: [("channel", name)]).recordInterval(since: started)
        observe(receipt, merchant: merchant, channel: name, context)
        return Self.response(receipt.response)
    }

    /// Where a callback comes from, for the rate limit: the trusted proxy's header, else the peer's address.
    private func source(of request: Request, _ context: some RequestContext) -> String {
        if let sourceHeader, let name = HTTPField.Name(sourceHeader), let value = request.headers[name] { return value }
        return (context as? any RemoteAddressRequestContext)?.remoteAddress?.ipAddress ?? "unknown"
    }

    /// A refusal before the channel's verifier saw the callback: counted, logged and observed like the
    /// verifier's, answered with `status` and `message`.
    private func refuse(_ status: Int, _ code: String, _ message: String, merchant: String, channel: String, _ context: some RequestContext) -> Response {
        let response = Self.text(status, message)
        let reply = HISPayCore.HTTPResponse(status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Data(message.utf8))
        observe(.init(response: reply, recording: nil, refusal: message, refusalCode: code), merchant: merchant, channel: channel, context)
        return response
    }

    /// Counts, logs and reports how one callback ended.
    private func observe(_ receipt: NotificationCentre.Receipt, merchant: String, channel: String, _ context: some RequestContext) {
        Counter(label: "hispay_callbacks_total", dimensions: [("channel", channel), ("result", receipt.result)]).increment()
        var metadata: Logger.Metadata = ["merchant": "\(merchant)", "channel": "\(channel)", "result": "\(receipt.result)"]
        if let code = receipt.refusalCode {
            Counter(label: "hispay_callback_refusals_total", dimensions: [("channel", channel), ("reason", code)]).increment()
            metadata["code"] = "\(code)"
            context.logger.warning("callback refused: \(receipt.refusal ?? code)", metadata: metadata)
        } else if let recorded = receipt.recording?.event {
            metadata["cursor"] = "\(recorded.cursor)"
            if let reason = recorded.quarantineReason {
                context.logger.warning("callback quarantined: \(reason)", metadata: metadata)
            } else {
                context.logger.debug("callback \(receipt.result)", metadata: metadata)
            }
        }
        observer?(Observation(merchant: merchant, channel: channel, receipt: receipt, requestID: context.id))
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
