import ArgumentParser
import Foundation
import HISPay

/// `hispay reconcile`: one day's channel statements against the HIS ledger, into a report directory.
struct ReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile", abstract: "Reconcile a day's channel statements against the HIS ledger (report.json, discrepancies.csv, carry-over.json, report.html).")

    @Option(help: "The business day, YYYY-MM-DD (Beijing).")
    var date: String

    @Option(help: "The HIS ledger CSV (channel, kind, out_trade_no, out_refund_no, amount, time, settlement_id, status).")
    var ledger: String

    @Option(help: "A channel statement as CHANNEL=FILE (wechatpay, alipay, unionpay, insurance = the NHSA's 3202 result file); repeat for several.")
    var statement: [String] = []

    @Option(help: "Yesterday's carry-over.json.")
    var carryIn: String?

    @Option(help: "Directory for the report files (created if missing).")
    var out: String

    @Option(help: "Seconds before midnight within which an unmatched row is carried over to tomorrow.")
    var cutOff = 600

    struct Output: Encodable {
        let date: String
        let summary: ReconciliationReport.Summary
        let out: String
    }

    func run() async throws {
        guard !statement.isEmpty else { throw CLIError("give at least one --statement CHANNEL=FILE") }
        guard cutOff >= 0 else { throw CLIError("--cut-off must be ≥ 0 seconds") }
        let reconciler = try ChannelOption.registry.reconciler(date: date, cutOff: TimeInterval(cutOff))
        let carry = try carryIn.map { try CarryOver.read(try CLIFiles.read($0), path: $0) }
        let progress = Progress()
        let sources = try statement.map { try source($0, progress: progress) }
        let (report, carryOver) = try reconciler.run(ledger: LedgerCSV(url: URL(fileURLWithPath: ledger), channels: ChannelOption.registry.channelsByName), statements: sources, carryIn: carry)
        progress.finish()
        try ReportFiles.write(report, carryOver: carryOver, to: URL(fileURLWithPath: out))
        try JSONOutput.print(Output(date: report.date, summary: report.summary, out: out))
    }

    /// The streaming parser for one `CHANNEL=FILE`, from the registry.
    private func source(_ argument: String, progress: Progress) throws -> Reconciler.StatementSource {
        guard let separator = argument.firstIndex(of: "=") else { throw CLIError("--statement \(argument) is not CHANNEL=FILE") }
        let name = String(argument[..<separator])
        let file = String(argument[argument.index(after: separator)...])
        guard let descriptor = ChannelOption.registry.descriptor(named: name), let parser = descriptor.statementParser else {
            let names = ChannelOption.registry.descriptors.filter { $0.statementParser != nil }.map(\.name)
            throw CLIError("--statement \(name)=…: the channel is one of \(names.joined(separator: ", "))")
        }
        guard FileManager.default.isReadableFile(atPath: file) else { throw CLIError("cannot read the statement \(file)") }
        let input = StatementInput(fileURL: URL(fileURLWithPath: file), businessDate: date)
        return { handle in _ = try parser.parse(input) { try progress.count($0, handle) } }
    }

    /// A progress bar on stderr when it is a terminal: the statement rows so far.
    final class Progress {
        private var rows = 0
        private let shown = isatty(2) == 1

        func count(_ record: StatementRecord, _ handle: (StatementRecord) throws -> Void) throws {
            rows += 1
            if shown, rows % 20_000 == 0 { FileHandle.standardError.write(Data("\r\(rows) statement rows".utf8)) }
            try handle(record)
        }

        func finish() {
            if shown { FileHandle.standardError.write(Data("\rreconciled: \(rows) statement rows\n".utf8)) }
        }
    }
}
