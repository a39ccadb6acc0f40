import ArgumentParser
import HISPay

/// `hispay config-check`: loads and validates the configuration file, lists its merchants and
/// channel blocks. Prints no value of any key.
struct ConfigCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config-check",
        abstract: "Validate a configuration file and list its merchants and channels (no secrets are printed)."
    )

    @OptionGroup var global: GlobalOptions

    struct Report: Encodable {
        struct Merchant: Encodable {
            let name: String
            let channels: [String]
        }

        let merchants: [Merchant]
        let selected: String
        let transport: [String]
    }

    func run() async throws {
        guard let configuration = try global.loadConfiguration() else {
            throw CLIError("config-check needs --config FILE")
        }
        let selected = try configuration.merchant(named: global.merchant)
        _ = try CurlTransport.Configuration(settings: configuration.transport)
        try JSONOutput.print(
            Report(
                merchants: configuration.merchants.map { .init(name: $0.name, channels: $0.channels.map(\.rawValue)) },
                selected: selected.name,
                transport: configuration.transport?.keys ?? []))
    }
}
