import ArgumentParser
import HISPay

/// `hispay self-check`: runs the crypto known-answer checks and a loopback transport round trip;
/// with `--config`, also validates the configuration and the selected merchant.
struct SelfCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "self-check",
        abstract: "Check the crypto layer against published vectors and the transport over loopback."
    )

    @OptionGroup var global: GlobalOptions

    struct Report: Encodable {
        let version: String
        let ok: Bool
        let merchant: String?
        let checks: [SelfCheck.Result]
    }

    func run() async throws {
        let configuration = try global.loadConfiguration()
        let merchant = try configuration?.merchant(named: global.merchant)
        let transport = try CurlTransport.Configuration(settings: configuration?.transport)
        var checks = await SelfCheck.run(transportConfiguration: transport)
        if let configuration {
            // The configuration as config-check loads it: every block built, every file and secret read.
            let errors = ConfigurationAudit.findings(in: configuration, registry: ChannelOption.registry, transports: transport).filter { $0.severity == .error }
            checks.append(SelfCheck.Result(
                name: "configuration", ok: errors.isEmpty,
                detail: errors.isEmpty ? "every block loads" : errors.map { "\($0.path): \($0.message)" }.joined(separator: "; ")))
        }
        let ok = checks.allSatisfy(\.ok)
        try JSONOutput.print(Report(version: HISPayVersion.string, ok: ok, merchant: merchant?.name, checks: checks))
        if !ok {
            let failed = checks.filter { !$0.ok }.map(\.name).joined(separator: ", ")
            throw CLIError("self-check failed: \(failed)")
        }
    }
}
