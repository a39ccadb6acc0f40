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
}
