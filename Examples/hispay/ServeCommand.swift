import ArgumentParser
import Foundation
import HISPay
import HISPayGateway
import HISPayTesting
import Logging
import HTTPTypes
import Hummingbird
import Metrics
import Prometheus
import ServiceLifecycle
import UnixSignals

/// `hispay serve`: the callback gateway, on two listeners. Channels POST to
/// `/notify/{merchant}/{channel}` on the public one (`--host`, `--port`); the HIS reads
/// `GET /events?after=CURSOR` (and the operator `/healthz`, `/readyz`) on the internal one
/// (`--internal-host`, `--internal-port`) with the bearer token, or, with `--forward`, receives every
/// event by POST. It also runs the resolver over the store's journal, unless `--no-resolver` or no
/// block can query (a verify-only node: `hispay resolve` runs it on the intranet side), and, for a
/// merchant with a `hospitalcard` block, credits the cards' top-ups as their callbacks come in. SIGTERM or SIGINT stops it
/// gracefully: the listeners stop taking connections and finish the requests in hand.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the callback gateway: take channel callbacks, record them once, hand events to the HIS.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "sqlite:PATH or postgres://user@host:port/database.")
    var store: String

    @Flag(help: "Create the store when it does not exist yet (a new SQLite file, or the tables in an empty PostgreSQL database).")
    var create = false

    @Option(help: "Address of the public listener, which the channels call (loopback unless told otherwise).")
    var host = "127.0.0.1"

    @Option(parsing: .unconditional, help: "Port of the public listener; 0 picks a free one (printed on stdout).")
    var port = 8080

    @Option(help: "Address of the internal listener (/events, /healthz, /readyz): loopback unless told otherwise.")
    var internalHost = "127.0.0.1"

    @Option(parsing: .unconditional, help: "Port of the internal listener; 0 picks a free one (printed on stdout).")
    var internalPort = 8081

    @Option(help: "File whose first line is the bearer token the internal listener requires.")
    var internalTokenFile: String?

    @Option(help: "Environment variable holding the bearer token the internal listener requires.")
    var internalTokenEnv: String?

    @Option(parsing: .unconditional, help: "The largest callback body taken, in bytes (a larger one is refused with 413).")
    var maxBodyBytes = 1 << 20

    @Option(help: "POST every event to this HIS URL, signed, retrying until it answers 2xx.")
    var forward: String?

    @Option(help: "File whose first line is the secret forwarded events are signed with (HISPay-Signature).")
    var forwardSecretFile: String?

    @Option(help: "Environment variable holding the secret forwarded events are signed with.")
    var forwardSecretEnv: String?

    @Flag(help: "Run no resolver here: the intranet side runs hispay resolve on the same store.")
    var noResolver = false

    @Option(parsing: .unconditional, help: "Callbacks a second one source may send (twice that at once); over it, 429. 0: no limit.")
    var rateLimit = 200

    @Option(help: "Count callbacks by this request header, which the proxy in front sets (e.g. X-Real-IP), not by the peer address.")
    var sourceHeader: String?

    @Option(help: "Least severe log lines written to stderr: debug (every callback), info, notice, warning (refusals), error.")
    var logLevel: LogLevelOption = .info

    /// Test hook: die (SIGKILL) right after recording a callback, before acknowledging it.
    @Flag(help: .hidden)
    var crashAfterRecord = false

    func run() async throws {
        guard let configuration = try global.loadConfiguration() else { throw CLIError("serve needs --config FILE") }
        guard (0...65535).contains(port) else { throw CLIError("--port must be 0…65535") }
        guard (0...65535).contains(internalPort) else { throw CLIError("--internal-port must be 0…65535") }
        guard maxBodyBytes > 0 else { throw CLIError("--max-body-bytes must be positive") }
        guard rateLimit >= 0 else { throw CLIError("--rate-limit must be 0 (none) or a number of callbacks a second") }
        if let sourceHeader, HTTPField.Name(sourceHeader) == nil { throw CLIError("--source-header \(sourceHeader) is not an HTTP header name") }
        let token = try Self.secret(
            file: internalTokenFile, environment: internalTokenEnv, purpose: "the internal token", options: "--internal-token-file FILE or --internal-token-env NAME",
            why: "the internal listener (/events) requires a bearer token")
        let forwardSecret = try forward.map { _ in
            try Self.secret(
                file: forwardSecretFile, environment: forwardSecretEnv, purpose: "the forwarding secret",
                options: "--forward-secret-file FILE or --forward-secret-env NAME", why: "forwarded events are signed for the HIS to check")
        }
        if forward == nil, forwardSecretFile != nil || forwardSecretEnv != nil { throw CLIError("--forward-secret-file and --forward-secret-env go with --forward URL") }
        let settings = try CurlTransport.Configuration(settings: configuration.transport)
        let registry = ChannelOption.registry
        let routes = try registry.callbackRoutes(configuration, transports: settings, logger: Logger(label: "hispay.serve"))
        let store = try await StoreOpening.open(self.store, create: create, creatable: true)
        let centre = NotificationCentre(store: store, routes: routes)
        let forwarder = forward.map {
            EventForwarder(
                store: store, url: $0, transport: CurlTransport(configuration: settings), secret: forwardSecret,
                onPause: { FileHandle.standardError.write(Data("hispay: \($0)\n".utf8)) })
        }
        let crash = crashAfterRecord
        let gateway = CallbackGateway(
            centre: centre, store: store, registry: registry, maximumBodySize: maxBodyBytes,
            rateLimiter: rateLimit > 0 ? SourceRateLimiter(perSecond: rateLimit) : nil, sourceHeader: sourceHeader
        ) { seen in
            if crash, seen.receipt.recording != nil { kill(getpid(), SIGKILL) }
        }

        // Orders journaled by this HIS (JournaledChannel) whose outcome is open are settled here,
        // unless told otherwise or no block here holds a signing key to query with (a verify-only node).
        let paymentChannels = registry.paymentChannels(configuration, transports: settings)
        let resolverHere = !noResolver && paymentChannels.values.contains { !$0.isEmpty }
        let bound = BoundPorts(host: host, internalHost: internalHost, resolver: resolverHere ? "here" : "elsewhere")
        // The gateway, forwarder and resolver count through swift-metrics; /metrics shows Prometheus's text.
        let metrics = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: metrics))
        // The gateway logs each callback through swift-log, with Hummingbird's request id.
        let level = logLevel.level
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "hispay.serve")
        let channels = Application(
            router: gateway.notifyRouter(), configuration: .init(address: .hostname(host, port: port), serverName: "hispay"),
            onServerRunning: { bound.opened(public: $0.localAddress?.port ?? 0) }, logger: logger)
        let his = Application(
            router: gateway.internalRouter(token: token, metrics: { metrics.emitToString() }), configuration: .init(address: .hostname(internalHost, port: internalPort), serverName: "hispay"),
            onServerRunning: { bound.opened(internal: $0.localAddress?.port ?? 0) }, logger: logger)
        let forwarding = forwarder.map { forwarder in Task { await forwarder.run() } }
        // PostgreSQL's monthly event partitions: made ahead, and past the configured retention
        // detached, now and every hour.
        let retention = configuration.retentionMonths
        let maintaining = Task {
            while !Task.isCancelled {
                do {
                    let detached = try await store.maintain(retentionMonths: retention)
                    if !detached.isEmpty { logger.notice("event partitions detached for the archive: \(detached.joined(separator: ", "))") }
                } catch {
                    logger.error("the store's housekeeping failed: \(error)")
                }
                try? await Task.sleep(for: .seconds(3600))
            }
        }
        defer { maintaining.cancel() }
        let resolverLog = ResolverLog()
        let resolving = resolverHere ? Task { await Resolver(store: store, channels: paymentChannels).run(every: .seconds(1), report: resolverLog.note) } : nil
        defer { resolving?.cancel() }
        // Each merchant's hospital cards follow their top-ups' callbacks (and ask the channels about
        // top-ups whose callback did not come), so a patient's top-up lands when its payment does.
        var following: [Task<Void, Never>] = []
        for merchant in configuration.merchants where merchant.block(for: .hospitalCard) != nil {
            let card = HospitalCardChannel(
                ledger: try await CardLedger(store: store, merchant: merchant.name),
                settings: try merchant.block(for: .hospitalCard).map { try HospitalCardSettings(block: $0) } ?? HospitalCardSettings())
            let channels = paymentChannels[merchant.name] ?? [:]
            let cardLogger = Logger(label: "hispay.card")
            following.append(Task {
                await card.follow(store: store, channels: channels) { result in
                    switch result {
                    case .success(let booked):
                        for entry in booked { cardLogger.info("card \(entry.cardNo) credited \(entry.amount) by top-up \(entry.orderNo) on \(entry.channel ?? "")") }
                    case .failure(let error):
                        cardLogger.warning("the cards of \(merchant.name) could not follow their top-ups: \(error)")
                    }
                }
            })
        }
        defer { for task in following { task.cancel() } }
        let services = ServiceGroup(configuration: .init(
            services: [channels, his], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await services.run()
        } catch {
            throw ListenFailure.error(error, addresses: ["\(host):\(port) (--port)", "\(internalHost):\(internalPort) (--internal-port)"]) ?? error
        }
        // Hands the forwarding lease back, so another node takes over without waiting it out.
        forwarding?.cancel()
        await forwarding?.value
        try await store.close()
    }

    /// `--log-level`: swift-log's levels, by name.
    enum LogLevelOption: String, ExpressibleByArgument, CaseIterable {
        case debug, info, notice, warning, error

        var level: Logger.Level { Logger.Level(rawValue: rawValue) ?? .info }
    }

    /// The secret of a file or an environment variable, exactly one of them (`options` names them).
    static func secret(file: String?, environment: String?, purpose: String, options: String, why: String) throws -> SharedSecret {
        switch (file, environment) {
        case (let file?, nil): try .file(file, purpose: purpose)
        case (nil, let name?): try .environment(name, purpose: purpose)
        case (nil, nil): throw CLIError("serve needs \(options): \(why)")
        case (_?, _?): throw CLIError("give one of \(options)")
        }
    }

    /// The two listeners' ports, announced on stdout in one line once both are bound, with where the
    /// resolver runs: `{"listening":"http://HOST:PORT","internal":"http://HOST:PORT","resolver":"here"}`
    /// (`"elsewhere"`: `--no-resolver`, or no block here can query — run `hispay resolve` on the intranet side).
    final class BoundPorts: @unchecked Sendable {
        private let lock = NSLock()
        private let host: String
        private let internalHost: String
        private let resolver: String
        private var publicPort: Int?
        private var internalPort: Int?

        init(host: String, internalHost: String, resolver: String) {
            self.host = host
            self.internalHost = internalHost
            self.resolver = resolver
        }

        func opened(public port: Int) { record { $0.publicPort = port } }
        func opened(internal port: Int) { record { $0.internalPort = port } }

        private func record(_ change: (BoundPorts) -> Void) {
            let line: String? = lock.withLock {
                change(self)
                guard let publicPort, let internalPort else { return nil }
                return #"{"listening":"http://\#(host):\#(publicPort)","internal":"http://\#(internalHost):\#(internalPort)","resolver":"\#(resolver)"}\#n"#
            }
            if let line { FileHandle.standardOutput.write(Data(line.utf8)) }
        }
    }
}
