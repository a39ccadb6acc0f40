import ArgumentParser
import Foundation
import HISPay
import HISPayCore
import HTTPTypes
import Hummingbird

/// `hispay serve`: the callback gateway. Channels POST to `/notify/{merchant}/{channel}`; the HIS
/// reads `GET /events?after=CURSOR` or, with `--forward`, receives every event by POST. It also runs
/// the resolver over the store's journal.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the callback gateway: take channel callbacks, record them once, hand events to the HIS.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "sqlite:PATH or postgres://user@host:port/database.")
    var store: String

    @Option(help: "Address to listen on (loopback unless told otherwise).")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one (printed on stdout).")
    var port = 8080

    @Option(help: "POST every event to this HIS URL, retrying until it answers 2xx.")
    var forward: String?

    /// Test hook: die (SIGKILL) right after recording a callback, before acknowledging it.
    @Flag(help: .hidden)
    var crashAfterRecord = false

    func run() async throws {
        guard let configuration = try global.loadConfiguration() else { throw CLIError("serve needs --config FILE") }
        guard (0...65535).contains(port) else { throw CLIError("--port must be 0…65535") }
        let settings = try CurlTransport.Configuration(settings: configuration.transport)
        let routes = try ChannelFactory.callbackRoutes(configuration, transport: settings)
        let store = try await SQLPaymentStore.open(self.store)
        let centre = NotificationCentre(store: store, routes: routes)
        let forwarder = forward.map { EventForwarder(store: store, url: $0, transport: CurlTransport(configuration: settings)) }
        let crash = crashAfterRecord

        let router = Router()
        router.post("/notify/:merchant/:channel") { request, context -> Response in
            var request = request
            let merchant = try context.parameters.require("merchant")
            guard let channel = ChannelOption(rawValue: try context.parameters.require("channel")) else {
                return Self.text(404, "unknown channel")
            }
            let body = try await request.collectBody(upTo: 1 << 20)
            var headers = HTTPHeaders()
            for field in request.headers { headers.add(field.name.rawName, field.value) }
            let callback = CallbackRequest(method: "POST", path: request.uri.string, headers: headers, body: Data(body.readableBytesView))
            let receipt = await centre.receive(callback, merchant: merchant, channel: channel.channelID)
            if crash, receipt.recording != nil { kill(getpid(), SIGKILL) }
            if let refusal = receipt.refusal { FileHandle.standardError.write(Data("hispay: \(merchant)/\(channel.rawValue): \(refusal)\n".utf8)) }
            return Self.response(receipt.response)
        }
        router.get("/events") { request, _ -> Response in
            let parameters = request.uri.queryParameters
            guard let after = Int64(parameters.get("after") ?? "0"), after >= 0, let limit = Int(parameters.get("limit") ?? "100"), (1...1000).contains(limit) else {
                return Self.text(400, "after must be a cursor (integer ≥ 0) and limit 1…1000")
            }
            let events = try await store.events(after: after, limit: limit)
            let page = EventPage(events: events.map(EventLine.init), next: events.last?.cursor ?? after)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var fields = HTTPFields()
            fields[.contentType] = "application/json; charset=utf-8"
            return Response(status: .ok, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: Array(try encoder.encode(page)))))
        }

        let host = self.host
        let app = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "hispay"),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? 0
                FileHandle.standardOutput.write(Data(#"{"listening":"http://\#(host):\#(bound)"}\#n"#.utf8))
            })
        let forwarding = forwarder.map { forwarder in Task { await forwarder.run() } }
        defer { forwarding?.cancel() }
        // Orders journaled by this HIS (JournaledChannel) whose outcome is open are settled here.
        let resolver = Resolver(store: store, channels: routes.mapValues { $0.mapValues(\.channel) })
        let resolving = Task { await resolver.run(every: .seconds(1)) }
        defer { resolving.cancel() }
        try await app.runService()
        try await store.close()
    }

    /// One page of `GET /events`: the events and the cursor to ask after next.
    struct EventPage: Encodable {
        let events: [EventLine]
        let next: Int64
    }

    static func text(_ status: Int, _ message: String) -> Response {
        var fields = HTTPFields()
        fields[.contentType] = "text/plain; charset=utf-8"
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
