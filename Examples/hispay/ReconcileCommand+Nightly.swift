import ArgumentParser
import Foundation
import HISPay

extension ReconcileCommand {
    /// What the nightly run prints.
    struct NightlyOutput: Encodable {
        struct Merchant: Encodable {
            let merchant: String
            let summary: ReconciliationReport.Summary
            let statements: [Statement]
        }

        struct Statement: Encodable {
            let channel: String
            let state: GroupReport.Statement.State
            let attempts: Int
        }

        let date: String
        let attention: GroupReport.Attention
        let merchants: [Merchant]
        let out: String
    }

    /// The nightly run: every merchant and channel of `--config`, statements downloaded, the HIS side
    /// from the journal in `--store`; exits 3 (discrepancies) or 4 (a statement missing) for alerting.
    func nightly() async throws {
        guard let configuration = try global.loadConfiguration(), let location = store else {
            throw CLIError("give --statement CHANNEL=FILE (and --ledger), or --config and --store for the nightly run")
        }
        guard carryIn == nil else { throw CLIError("the nightly run keeps the carry-over in --store: leave out --carry-in") }
        guard retryEvery > 0, giveUpAfter >= 0 else { throw CLIError("--retry-every must be > 0 and --give-up-after ≥ 0 seconds") }
        let merchants = global.merchant.map { [$0] } ?? configuration.merchants.map(\.name)
        for name in merchants { _ = try configuration.merchant(named: name) }
        var ledgers: [String: URL] = [:]
        for argument in ledger {
            let (merchant, file): (String, String)
            if let separator = argument.firstIndex(of: "=") {
                (merchant, file) = (String(argument[..<separator]), String(argument[argument.index(after: separator)...]))
            } else if merchants.count == 1 {
                (merchant, file) = (merchants[0], argument)
            } else {
                throw CLIError("--ledger \(argument): with several merchants, give MERCHANT=FILE")
            }
            guard merchants.contains(merchant) else { throw CLIError("--ledger \(argument): \(merchant) is not a merchant of this run (\(merchants.joined(separator: ", ")))") }
            guard FileManager.default.isReadableFile(atPath: file) else { throw CLIError("cannot read the ledger \(file)") }
            ledgers[merchant] = URL(fileURLWithPath: file)
        }
        let partners = try partnerFiles(configuration)
        let night = try await StoreOpening.using(location, create: false, creatable: false) { store in
            var run = NightlyReconciliation(
                registry: ChannelOption.registry, configuration: configuration, store: store,
                transports: try CurlTransport.Configuration(settings: configuration.transport))
            if now != nil { run.time = ShiftedTime(offset: try CLITime.now(now).timeIntervalSinceNow) }
            run.retryEvery = TimeInterval(retryEvery)
            run.giveUpAfter = TimeInterval(giveUpAfter)
            run.cutOff = TimeInterval(cutOff)
            run.language = lang.report
            run.log = { FileHandle.standardError.write(Data("hispay reconcile: \($0)\n".utf8)) }
            return try await run.run(date: date, merchants: merchants, ledgers: ledgers, partners: partners, directory: URL(fileURLWithPath: out))
        }
        try ReportFiles.write(night.report, carryOvers: night.carryOvers, to: URL(fileURLWithPath: out))
        try JSONOutput.print(NightlyOutput(
            date: date, attention: night.report.attention,
            merchants: night.report.sections.map { section in
                .init(
                    merchant: section.merchant, summary: section.report.summary,
                    statements: section.statements.map { .init(channel: $0.channel.rawValue, state: $0.state, attempts: $0.attempts) })
            }, out: out))
        switch night.report.attention {
        case .none: return
        case .discrepancies: throw ExitCode(3)
        case .incomplete: throw ExitCode(4)
        }
    }
}

/// The wall clock moved by `offset`: `reconcile --now` runs as of another moment, its clock running on.
struct ShiftedTime: TimeSource {
    let offset: TimeInterval
    func now() -> Date { Date().addingTimeInterval(offset) }
}
