import ArgumentParser
import HISPay

/// `hispay config-check`: loads the configuration file as every command would — each channel block
/// of each merchant built as a payment channel and as a callback verifier, reading its key and
/// certificate files and `env:` secrets — and reports every problem at once with its JSON path (keys
/// no channel reads, certificates expired or ending within 30 days). Prints no value of any key. Exits
/// non-zero when there is an error; warnings alone pass.
struct ConfigCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config-check",
        abstract: "Validate a configuration file as the commands load it, listing every problem with its place (no secrets are printed)."
    )

    @Option(help: "Merchant configuration file (JSON).")
    var config: String

    @Option(help: "Merchant profile to select (default: the first in the file).")
    var merchant: String?

    struct Report: Encodable {
        struct Merchant: Encodable {
            let name: String
            let channels: [String]
        }

        let ok: Bool
        let merchants: [Merchant]
        let selected: String
        let transport: [String]
        /// Every problem found: `severity` (`error`, `warning`), `path`, `message`.
        let problems: [ConfigurationAudit.Finding]
    }

    func run() async throws {
        let configuration = try ChannelOption.registry.loadConfiguration(path: config)
        let selected = try configuration.merchant(named: merchant)
        let transports = try CurlTransport.Configuration(settings: configuration.transport)
        let problems = ConfigurationAudit.findings(in: configuration, registry: ChannelOption.registry, transports: transports)
        let errors = problems.filter { $0.severity == .error }
        try JSONOutput.print(
            Report(
                ok: errors.isEmpty, merchants: configuration.merchants.map { .init(name: $0.name, channels: $0.channels.map(\.rawValue)) },
                selected: selected.name, transport: configuration.transport?.keys ?? [], problems: problems))
        guard errors.isEmpty else {
            throw CLIError("\(errors.count) problem\(errors.count == 1 ? "" : "s") in \(config): \(errors.map { "\($0.path): \($0.message)" }.joined(separator: "; "))")
        }
    }
}
