import ArgumentParser
import Foundation
import HISPay
import HISPayGateway
import HISPayTesting
import Logging
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
        let registry = ChannelOption.registry
        let routes = try registry.callbackRoutes(configuration, transports: settings, logger: Logger(label: "hispay.serve"))
        let store = try await SQLPaymentStore.open(self.store)
        let centre = NotificationCentre(store: store, routes: routes)
        let forwarder = forward.map {
            EventForwarder(store: store, url: $0, transport: CurlTransport(configuration: settings)) { FileHandle.standardError.write(Data("hispay: \($0)\n".utf8)) }
        }
        let crash = crashAfterRecord
        let gateway = CallbackGateway(centre: centre, store: store, registry: registry) { seen in
            if crash, seen.receipt.recording != nil { kill(getpid(), SIGKILL) }
            if let refusal = seen.receipt.refusal { FileHandle.standardError.write(Data("hispay: \(seen.merchant)/\(seen.channel): \(refusal)\n".utf8)) }
        }
        let router = gateway.router()

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
        let resolver = Resolver(store: store, channels: registry.paymentChannels(configuration, transports: settings))
        let resolving = Task { await resolver.run(every: .seconds(1)) }
        defer { resolving.cancel() }
        try await app.runService()
        try await store.close()
    }
}
