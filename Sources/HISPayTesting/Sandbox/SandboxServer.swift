import Foundation
import HISPayCore
import HISPayCurl
import HTTPTypes
import Hummingbird
import Logging

/// The sandbox's HTTP side: a loopback Hummingbird server handing every `/v3/…` (APIv3) and `/v2/…`
/// (legacy APIv2) request to the WeChat Pay simulator, `/gateway.do` to the Alipay simulator and `/fsi/api/{infno}` to the NHSA
/// hospital-interface simulator, `/mobilepay/org/local/api/hos/…` to the mobile-payment centre, `/unionpay/…` to the
/// UnionPay ACP gateway and file host, and the delivery of its callbacks — POSTed until the receiver answers 2xx
/// (retried after 0.5 s, doubling, up to 8 times), as the channel does. Every request to a simulator is
/// logged (``SandboxRequestLog``) and listed at `GET /sandbox/requests`.
public enum SandboxServer {
    /// Serves `simulator` on `host:port` (0: a free port) until cancelled; `onListening` gets the base URL.
    /// With `orders`, every request's effect is written there before it is answered, the patients'
    /// own payments within a second, and everything when the server stops.
    public static func run(
        simulator: WeChatPaySimulator, alipay: AlipaySimulator? = nil, nhsa: NHSASimulator? = nil, mobilePay: MobilePayCentreSimulator? = nil,
        unionPay: UnionPaySimulator? = nil, clock: SandboxClock? = nil,
        host: String = "127.0.0.1", port: Int, log: SandboxRequestLog = SandboxRequestLog(), orders: SandboxOrderStore? = nil,
        onListening: @escaping @Sendable (String) async -> Void
    ) async throws {
        let router = Router()
        // What the sandbox did with each request (see SandboxRequestLog), newest last.
        router.get("/sandbox/requests") { _, _ -> Response in
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: Array(try encoder.encode(log.recent)))))
        }
        if let mobilePay {
            await simulator.settleInsurance { await mobilePay.settleByWallet(payOrderID: $0) }
            await alipay?.settleInsurance { await mobilePay.settleByWallet(payOrderID: $0) }
        }
        for method in [HTTPRequest.Method.get, .post] {
            router.on("/v3/**", method: method) { request, _ -> Response in
                var headers = HTTPHeaders()
                for field in request.headers { headers.add(field.name.rawName, field.value) }
                return try await answer(request, log, orders) { body in
                    await simulator.handle(method: request.method.rawValue, pathAndQuery: request.uri.string, headers: headers, body: body)
                }
            }
        }
        router.post("/v2/**") { request, _ -> Response in
            try await answer(request, log, orders) { await simulator.handleLegacy(path: String(request.uri.path.dropFirst("/v2".count)), body: $0) }
        }
        if let alipay {
            router.get("/alipay/bill") { request, _ -> Response in
                let date = request.uri.queryParameters.get("date") ?? ""
                guard let archive = try? await alipay.billArchive(for: date) else { return Response(status: .notFound) }
                return Response(status: .ok, headers: [.contentType: "application/oct-stream"], body: .init(byteBuffer: ByteBuffer(bytes: Array(archive))))
            }
            router.post("/gateway.do") { request, _ -> Response in try await answer(request, log, orders) { await alipay.handle(body: $0) } }
        }
        if let nhsa {
            router.post("/fsi/api/:infno") { request, context -> Response in
                let infno = try context.parameters.require("infno")
                return try await answer(request, log, orders) { await nhsa.handle(infno: infno, body: $0) }
            }
        }
        if let mobilePay {
            router.post("/mobilepay/**") { request, _ -> Response in
                let path = String(request.uri.path.dropFirst("/mobilepay".count))
                return try await answer(request, log, orders) { await mobilePay.handle(path: path, body: $0) }
            }
        }
        if let unionPay {
            router.post("/unionpay/**") { request, _ -> Response in try await answer(request, log, orders) { await unionPay.handle(path: request.uri.path, body: $0) } }
        }
        // Fault injection: {"pathPrefix": "/v3/pay/transactions/native", "fault": "serverError", "count": 1}.
        // The prefix picks the simulator: /unionpay → UnionPay, /gateway.do and /alipay → Alipay,
        // /fsi → NHSA, /v3 and /v2 → WeChat Pay.
        router.post("/sandbox/faults") { request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 16)
            guard let json = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
                let prefix = json["pathPrefix"] as? String, let fault = (json["fault"] as? String).flatMap(SandboxFault.init(rawValue:))
            else {
                return Response(status: .badRequest, body: .init(byteBuffer: ByteBuffer(string: "want {pathPrefix, fault: \(SandboxFault.allCases.map(\.rawValue)), count}")))
            }
            let count = json["count"] as? Int ?? 1
            guard count > 0 else { return Response(status: .badRequest, body: .init(byteBuffer: ByteBuffer(string: "count must be at least 1"))) }
            guard fault != .refused || prefix.hasPrefix("/fsi") else {
                return Response(status: .badRequest, body: .init(byteBuffer: ByteBuffer(string: "refused is an NHSA fault: pathPrefix must start with /fsi")))
            }
            switch prefix {
            case _ where prefix.hasPrefix("/unionpay"): await unionPay?.inject(fault, pathPrefix: prefix, count: count)
            case _ where prefix.hasPrefix("/gateway.do") || prefix.hasPrefix("/alipay"): await alipay?.inject(fault, pathPrefix: prefix, count: count)
            case _ where prefix.hasPrefix("/fsi"): await nhsa?.inject(fault, pathPrefix: prefix, count: count)
            case _ where prefix.hasPrefix("/v3") || prefix.hasPrefix("/v2"): await simulator.inject(fault, pathPrefix: prefix, count: count)
            default:
                return Response(status: .badRequest, body: .init(byteBuffer: ByteBuffer(string: "pathPrefix must start with /v3, /v2, /gateway.do, /alipay, /unionpay or /fsi")))
            }
            return Response(status: .noContent)
        }
        if let alipay {
            // A service-window message posted to a gateway, its answer checked as Alipay checks it:
            // {"to": URL, "event": "follow", "fromUserId": "2088…", "actionParam": "…", "text": "…"} →
            // 200 {"ok": true} or 422 {"ok": false, "problem": "…"}.
            router.post("/sandbox/alipay/service-window") { request, _ -> Response in
                var request = request
                let body = try await request.collectBody(upTo: 1 << 16)
                guard let json = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: String], let url = json["to"], let event = json["event"]
                else { return Response(status: .badRequest, body: .init(byteBuffer: ByteBuffer(string: "want {to, event, fromUserId, actionParam, text}"))) }
                let user = json["fromUserId"] ?? "2088102122485786"
                var problem: String?
                do {
                    let message = try alipay.serviceWindowMessage(event: event, to: url, fromUserID: user, actionParam: json["actionParam"] ?? "", text: json["text"] ?? "")
                    problem = alipay.serviceWindowProblem(try await CurlTransport(configuration: .init(proxy: .direct)).send(message), event: event, fromUserID: user)
                } catch {
                    problem = "the message could not be delivered: \(error)"
                }
                let result = try JSONSerialization.data(withJSONObject: problem.map { ["ok": false, "problem": $0] as [String: Any] } ?? ["ok": true])
                return Response(status: problem == nil ? .ok : .unprocessableContent, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: Array(result))))
            }
        }
        if let clock {
            // Time travel: {"now": "2026-11-30 23:59:50", "publicationHours": true} sets the simulators' clock
            // (Beijing time; it runs on from there) and whether statements wait for the channels' publication hours.
            router.post("/sandbox/clock") { request, _ -> Response in
                var request = request
                let body = try await request.collectBody(upTo: 1 << 16)
                guard let json = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any] else {
                    return Response(status: .badRequest, body: .init(byteBuffer: ByteBuffer(string: "want {now: \"yyyy-MM-dd HH:mm:ss\", publicationHours: true|false}")))
                }
                if let text = json["now"] as? String {
                    guard let date = BeijingTime.parse(text) else {
                        return Response(status: .badRequest, body: .init(byteBuffer: ByteBuffer(string: "now \(text) is not yyyy-MM-dd HH:mm:ss")))
                    }
                    clock.set(date)
                }
                if let hours = json["publicationHours"] as? Bool { clock.followPublicationHours(hours) }
                let state = try JSONSerialization.data(withJSONObject: ["now": BeijingTime.format(clock.now()), "publicationHours": clock.followsPublicationHours])
                return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: Array(state))))
            }
        }
        // The default notify URL of a written profile: accepts callbacks nobody else wants.
        router.post("/sandbox/notify-sink") { _, _ -> Response in Response(status: .noContent) }
        // The UnionPay profile's front (browser return) URL.
        router.on("/sandbox/front-return", method: .get) { _, _ -> Response in Response(status: .ok) }
        // Startup failures are thrown; what Hummingbird logs while shutting down is noise here.
        var logger = Logger(label: "hispay.sandbox")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "hispay-sandbox"),
            onServerRunning: { channel in
                let url = "http://\(host):\(channel.localAddress?.port ?? port)"
                await simulator.setBaseURL(url)
                await alipay?.setBaseURL(url)
                await onListening(url)
            }, logger: logger)
        guard let orders else { return try await app.runService() }
        let ticks = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                await orders.changed()
            }
        }
        defer { ticks.cancel() }
        try await app.runService()
        await orders.changed()
    }

    /// Collects a request's body, hands it to a simulator, keeps what changed, and answers with what it returns.
    static func answer(_ request: Request, _ log: SandboxRequestLog, _ orders: SandboxOrderStore?, _ handle: (Data) async -> SandboxResponse) async throws -> Response {
        var request = request
        let body = Data(try await request.collectBody(upTo: 1 << 20).readableBytesView)
        let answer = await handle(body)
        await orders?.changed()
        // Alipay names the operation in the form (`method=alipay.trade.query`), not the path.
        let operation = request.uri.path == "/gateway.do" ? (try? FormFields.decode(body))?["method"] : nil
        log.record(method: request.method.rawValue, path: request.uri.path, operation: operation, status: answer.status, body: answer.body)
        var fields = HTTPFields()
        for (name, value) in answer.headers {
            if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
        }
        return Response(status: .init(code: answer.status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: Array(answer.body))))
    }

    /// A callback sender for the simulator: POSTs on `transport` until a 2xx, with back-off.
    public static func delivery(_ transport: any HTTPTransport) -> @Sendable (HISPayCore.HTTPRequest) async -> Void {
        { request in
            var delay = Duration.milliseconds(500)
            for _ in 0..<8 {
                if let response = try? await transport.send(request), (200..<300).contains(response.status) { return }
                try? await Task.sleep(for: delay)
                delay *= 2
            }
        }
    }
}
