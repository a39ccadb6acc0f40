import ArgumentParser
import HISPay

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Merchant configuration file (JSON).")
    var config: String?

    @Option(name: .long, help: "Merchant profile to use (default: the first in the file).")
    var merchant: String?

    /// The loaded configuration, if `--config` was given.
    func loadConfiguration() throws -> HISPayConfiguration? {
        guard let config else { return nil }
        return try ChannelOption.registry.loadConfiguration(path: config)
    }

    /// The selected merchant profile, which must configure `channel`, and the transports of the
    /// configuration; refuses when there is no config or no block for the channel.
    func profile(for channel: ChannelID, command: String) throws -> (merchant: MerchantProfile, transports: CurlTransport.Configuration) {
        guard let configuration = try loadConfiguration() else { throw CLIError("\(command) needs --config FILE") }
        let profile = try configuration.merchant(named: merchant)
        guard profile.block(for: channel) != nil else { throw CLIError("merchant \(profile.name) has no \"\(channel)\" block") }
        return (profile, try CurlTransport.Configuration(settings: configuration.transport))
    }
}
