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
        let reconciler = try Reconciler(date: date, cutOff: TimeInterval(cutOff))
        let carry = try carryIn.map { try CarryOver.read(try CLIFiles.read($0), path: $0) }
        let progress = Progress()
        let sources = try statement.map { try source($0, progress: progress) }
        let (report, carryOver) = try reconciler.run(ledger: LedgerCSV(url: URL(fileURLWithPath: ledger)), statements: sources, carryIn: carry)
        progress.finish()
        try ReportFiles.write(report, carryOver: carryOver, to: URL(fileURLWithPath: out))
        try JSONOutput.print(Output(date: report.date, summary: report.summary, out: out))
    }

    /// The streaming parser for one `CHANNEL=FILE`.
    private func source(_ argument: String, progress: Progress) throws -> Reconciler.StatementSource {
        guard let separator = argument.firstIndex(of: "=") else { throw CLIError("--statement \(argument) is not CHANNEL=FILE") }
        let name = String(argument[..<separator])
        let file = String(argument[argument.index(after: separator)...])
        guard FileManager.default.isReadableFile(atPath: file) else { throw CLIError("cannot read the statement \(file)") }
        switch ChannelOption(rawValue: name) {
        case .wechatpay?, .wechatpayV2?:
            let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
            return { handle in
                progress.start(size: size)
                let lines = LineReader(fileURL: URL(fileURLWithPath: file)).lazy.map { line in
                    progress.read(line.count + 1)
                    return line
                }
                _ = try WeChatPayBillParser.parse(lines: lines, channel: .wechatPay) { try progress.count($0, handle) }
            }
        case .alipay?:
            return { handle in _ = try AlipayBillParser.parse(archive: CLIFiles.read(file)) { try progress.count($0, handle) } }
        case .unionpay?:
            let settlementDate = UnionPayZMParser.dateFromName(URL(fileURLWithPath: file).lastPathComponent)
            return { handle in _ = try UnionPayZMParser.parse(CLIFiles.read(file), settlementDate: settlementDate) { try progress.count($0, handle) } }
        case .insurance?:
            // The platform's 3202 result file (zipped or not), stamped at noon of the business day: the
            // insurance leg is checked against what the platform says, not against the list uploaded.
            let noon = BeijingTime.parse(date + " 12:00:00") ?? Date()
            return { handle in
                for record in try DetailReconciliationResult(file: CLIFiles.read(file)).statementRecords(time: noon) { try progress.count(record, handle) }
            }
        case nil:
            throw CLIError("--statement \(name)=…: the channel is wechatpay, alipay, unionpay or insurance")
        }
    }

    /// A progress bar on stderr when it is a terminal: the share of the current statement file read
    /// (for line-by-line files) and the statement rows so far.
    final class Progress {
        private var rows = 0
        private var bytes = 0
        private var size = 0
        private let shown = isatty(2) == 1

        /// A line-by-line file of `size` bytes begins.
        func start(size: Int) {
            self.size = size
            bytes = 0
        }

        func read(_ count: Int) { bytes += count }

        func count(_ record: StatementRecord, _ handle: (StatementRecord) throws -> Void) throws {
            rows += 1
            if shown, rows % 20_000 == 0 {
                let share = size > 0 ? min(bytes * 30 / size, 30) : 0
                let bar = size > 0 ? "[" + String(repeating: "#", count: share) + String(repeating: ".", count: 30 - share) + "] " : ""
                FileHandle.standardError.write(Data("\r\(bar)\(rows) statement rows".utf8))
            }
            try handle(record)
        }

        func finish() {
            if shown { FileHandle.standardError.write(Data("\rreconciled: \(rows) statement rows\n".utf8)) }
        }
    }
}
