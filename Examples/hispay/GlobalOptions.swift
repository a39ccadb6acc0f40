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
        return try HISPayConfiguration.load(path: config)
    }

    /// The selected merchant's block for `channel`; refuses when there is no config or no block.
    func block(for channel: ChannelID, command: String) throws -> ConfigBlock {
        guard let configuration = try loadConfiguration() else { throw CLIError("\(command) needs --config FILE") }
        let merchant = try configuration.merchant(named: merchant)
        guard let block = merchant.block(for: channel) else {
            throw CLIError("merchant \(merchant.name) has no \"\(channel)\" block")
        }
        return block
    }
}
