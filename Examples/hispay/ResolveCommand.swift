import ArgumentParser
import Foundation
import HISPay
import HISPayGateway
import HISPayTesting
import Logging
import ServiceLifecycle
import UnixSignals

/// `hispay resolve`: the resolver as a process of its own, for the intranet side of a gateway whose
/// public node holds only verification material (`hispay serve --no-resolver`, or a profile without
/// signing keys). It settles journaled orders whose outcome is open — queries them, closes or
/// reverses them at expiry — and writes each resolution as a JSON line.
struct ResolveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve", abstract: "Settle journaled orders whose outcome is open (query, close, reverse), as JSON lines.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "sqlite:PATH or postgres://user@host:port/database (the gateway's store).")
    var store: String

    @Option(parsing: .unconditional, help: "Seconds between rounds.")
    var every = 1

    @Flag(help: "One round, then exit.")
    var once = false

    /// One resolution as a JSON line.
    struct Line: Encodable {
        let merchant: String
        let channel: String
        let orderNo: String
        let from: String
        let to: String
        let action: String
        /// Why it could not be settled this time (asked again later); absent when it was.
        let failure: String?

        init(_ resolution: Resolver.Resolution) {
            (merchant, channel, orderNo) = (resolution.merchant, resolution.channel.rawValue, resolution.orderNo)
            (from, to, action, failure) = (resolution.from.name, resolution.to.name, resolution.action.description, resolution.failure)
        }
    }

    func run() async throws {
        guard let configuration = try global.loadConfiguration() else { throw CLIError("resolve needs --config FILE") }
        guard every > 0 else { throw CLIError("--every must be a positive number of seconds") }
        let settings = try CurlTransport.Configuration(settings: configuration.transport)
        let channels = ChannelOption.registry.paymentChannels(configuration, transports: settings)
        guard channels.values.contains(where: { !$0.isEmpty }) else {
            throw CLIError("resolve needs a profile block it can query with: a channel with its signing key (e.g. merchants[].wechatpay.privateKey)")
        }
        let store = try await StoreOpening.open(self.store, create: false, creatable: false)
        let resolver = Resolver(store: store, channels: channels)
        if once {
            let output = JSONOutput.Lines()
            do {
                for resolution in try await resolver.resolveDue() { try output.write(Line(resolution)) }
                output.flush()
                try await store.close()
            } catch {
                try? await store.close()
                throw error
            }
            return
        }
        let log = ResolverLog()
        let service = ResolverService(resolver: resolver, every: .seconds(every)) { round in
            if case .success(let resolutions) = round, !resolutions.isEmpty {
                let output = JSONOutput.Lines()
                for resolution in resolutions { try? output.write(Line(resolution)) }
                output.flush()
            }
            log.note(round)
        }
        try await ServiceGroup(configuration: .init(
            services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: Logger(label: "hispay.resolve"))).run()
        try await store.close()
    }

    /// The resolver's loop as a service: it stops between rounds on SIGTERM or SIGINT.
    struct ResolverService: Service {
        let resolver: Resolver
        let every: Duration
        let report: @Sendable (Result<[Resolver.Resolution], any Error>) -> Void

        func run() async throws {
            await cancelWhenGracefulShutdown { await resolver.run(every: every, report: report) }
        }
    }
}
