import ArgumentParser
import Foundation
import HISPay

/// `hispay reconcile`: one day's channel statements against the HIS ledger, into a report directory.
struct ReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Reconcile a day's channel statements against the HIS ledger (report.json, discrepancies.csv, carry-over.json, report.html).",
        discussion: """
            With --statement: the files given, against --ledger. Without --statement (the nightly run): every merchant of \
            --config, every channel's statement downloaded (waiting for its publication hour), the HIS side from the journal \
            in --store (or --ledger), carry-over kept in the store; exit 0 when nothing needs a person, 3 when there are \
            discrepancies, 4 when a statement could not be had.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "The business day, YYYY-MM-DD (Beijing).")
    var date: String

    @Option(help: "The HIS ledger CSV (channel, kind, out_trade_no, out_refund_no, amount, time, settlement_id, status); in the nightly run MERCHANT=FILE, repeatable, instead of the journal.")
    var ledger: [String] = []

    @Option(help: "A channel statement as CHANNEL=FILE (wechatpay, alipay, unionpay, insurance = the NHSA's 3202 result file); repeat for several.")
    var statement: [String] = []

    @Option(help: "A resource-pool partner's order file as NAME=FILE (the config's partners[] entry NAME describes it), matched three ways; repeatable.")
    var partner: [String] = []

    @Option(help: "Yesterday's carry-over.json.")
    var carryIn: String?

    @Option(help: "Directory for the report files (created if missing).")
    var out: String

    @Option(parsing: .unconditional, help: "Seconds before midnight within which an unmatched row is carried over to tomorrow.")
    var cutOff = 600

    @Option(help: "Language of the report's notes, actions and page: zh (Chinese, the default) or en.")
    var lang: Language = .zh

    @Option(help: "Nightly run: sqlite:PATH or postgres://… holding the payment journal and the carry-over.")
    var store: String?

    @Option(help: "Nightly run: the time to run as of, ISO 8601 (default: now) — the clock runs on from it; statements are waited for against it.")
    var now: String?

    @Option(parsing: .unconditional, help: "Nightly run: seconds between attempts while a statement is not out.")
    var retryEvery = 1800

    @Option(parsing: .unconditional, help: "Nightly run: seconds after which a statement still not out counts as unavailable.")
    var giveUpAfter = 14_400

    /// The report languages on the command line.
    enum Language: String, ExpressibleByArgument, CaseIterable {
        case zh
        case en
        var report: ReportLanguage { self == .zh ? .zh : .en }
    }

    struct Output: Encodable {
        let date: String
        let summary: ReconciliationReport.Summary
        let out: String
    }

    func run() async throws {
        // The cut-off is the seconds a late-night payment may settle into the next day: at most a day.
        guard (0...86_400).contains(cutOff) else { throw CLIError("--cut-off must be 0…86400 seconds, not \(cutOff)") }
        _ = try CLITime.day(date)
        guard !statement.isEmpty else { return try await nightly() }
        guard ledger.count == 1, let ledger = ledger.first else { throw CLIError("give one --ledger FILE with --statement") }
        guard store == nil else { throw CLIError("--store is for the nightly run (no --statement); with --statement, give --carry-in") }
        let registry = ChannelOption.registry
        let reconciler = try registry.reconciler(date: date, cutOff: TimeInterval(cutOff), language: lang.report)
        let carry = try carryIn.map { try CarryOver.read(try CLIFiles.read($0), path: $0) }
        let configuration = try global.loadConfiguration()
        let partnerFiles = try partnerFiles(configuration)
        let partners = try configuration.flatMap { configuration in
            partnerFiles.isEmpty ? nil : try PartnerReconciler(files: partnerFiles, configuration: configuration, language: lang.report)
        }
        let progress = Progress(partners: partners)
        let inputs = try statement.map { try source($0, progress: progress) }
        let ledgerRows = Counter()
        let ledgerFile = URL(fileURLWithPath: ledger)
        let carryFile = carryIn.map(URL.init(fileURLWithPath:))
        // The report lists each input's SHA-256: computed on another thread while the files are
        // reconciled (afterwards, it was a tenth of a million-row day).
        let hashed = [ledgerFile] + (carryFile.map { [$0] } ?? []) + inputs.map(\.file)
        let digests = Task.detached { try hashed.map(ReportContext.Input.sha256(ofFileAt:)) }
        var (report, carryOver) = try reconciler.run(
            ledger: CountedLedger(inner: LedgerCSV(url: ledgerFile, channels: registry.channelsByName), counter: ledgerRows, partners: partners),
            statements: inputs.map(\.source), carryIn: carry)
        progress.finish()
        var sha256 = try await digests.value.makeIterator()
        var files = [ReportContext.Input(role: "ledger", file: ledgerFile.lastPathComponent, rows: ledgerRows.rows, sha256: sha256.next()!)]
        if let carryFile, let carry {
            files.append(ReportContext.Input(role: "carry-in", file: carryFile.lastPathComponent, rows: carry.ledger.count + carry.statement.count, sha256: sha256.next()!))
        }
        for input in inputs {
            files.append(ReportContext.Input(role: "statement:" + input.channel, file: input.file.lastPathComponent, rows: input.counter.rows, sha256: sha256.next()!))
        }
        if let partners {
            let reports = try partners.reports(partnerFiles)
            files += reports.map { ReportContext.Input(role: "partner:" + $0.partner, file: $0.file, rows: $0.rows, sha256: $0.sha256) }
            report.partners = reports
        }
        // With --config, the report names the merchant (campus) and its account with each channel.
        let profile = try configuration.map { try $0.merchant(named: global.merchant) }
        report.context = ReportContext(
            language: lang.report, merchant: profile?.name, accounts: profile.map(registry.accounts) ?? [:],
            channelNames: registry.displayNames(in: lang.report), inputs: files)
        try ReportFiles.write(report, carryOver: carryOver, to: URL(fileURLWithPath: out))
        try JSONOutput.print(Output(date: report.date, summary: report.summary, out: out))
    }

    /// The `--partner NAME=FILE` files (the config's `partners[]` entries describe them).
    func partnerFiles(_ configuration: HISPayConfiguration?) throws -> [(name: String, file: URL)] {
        guard !partner.isEmpty else { return [] }
        guard configuration != nil else { throw CLIError("--partner needs --config: its partners[] entries describe the files") }
        return try partner.map { argument in
            guard let separator = argument.firstIndex(of: "=") else { throw CLIError("--partner \(argument) is not NAME=FILE") }
            return (name: String(argument[..<separator]), file: URL(fileURLWithPath: String(argument[argument.index(after: separator)...])))
        }
    }

    /// Rows read from one input.
    final class Counter {
        var rows = 0
    }

    /// The ledger, its rows counted as they stream past.
    struct CountedLedger: LedgerSource {
        let inner: LedgerCSV
        let counter: Counter
        /// Sees every row for the partners' three-way match.
        var partners: PartnerReconciler?

        func forEach(_ body: (LedgerRecord) throws -> Void) throws {
            try inner.forEach { row in
                counter.rows += 1
                try partners?.see(row)
                try body(row)
            }
        }
    }

    /// The streaming parser for one `CHANNEL=FILE`, from the registry, with its rows counted.
    private func source(_ argument: String, progress: Progress) throws -> (channel: String, file: URL, counter: Counter, source: Reconciler.StatementSource) {
        guard let separator = argument.firstIndex(of: "=") else { throw CLIError("--statement \(argument) is not CHANNEL=FILE") }
        let name = String(argument[..<separator])
        let file = String(argument[argument.index(after: separator)...])
        guard let descriptor = ChannelOption.registry.descriptor(named: name), let parser = descriptor.statementParser else {
            let names = ChannelOption.registry.descriptors.filter { $0.statementParser != nil }.map(\.name)
            throw CLIError("--statement \(name)=…: the channel is one of \(names.joined(separator: ", "))")
        }
        guard FileManager.default.isReadableFile(atPath: file) else { throw CLIError("cannot read the statement \(file)") }
        let input = StatementInput(fileURL: URL(fileURLWithPath: file), businessDate: date)
        let counter = Counter()
        return (name, URL(fileURLWithPath: file), counter, { handle in
            _ = try parser.parse(input) { record in
                counter.rows += 1
                try progress.count(record, handle)
            }
        })
    }

    /// A progress bar on stderr when it is a terminal: the statement rows so far.
    final class Progress {
        private var rows = 0
        private let shown = isatty(2) == 1
        /// Sees every statement row for the partners' three-way match.
        let partners: PartnerReconciler?

        init(partners: PartnerReconciler? = nil) { self.partners = partners }

        func count(_ record: StatementRecord, _ handle: (StatementRecord) throws -> Void) throws {
            rows += 1
            try partners?.see(record)
            if shown, rows % 20_000 == 0 { FileHandle.standardError.write(Data("\r\(rows) statement rows".utf8)) }
            try handle(record)
        }

        func finish() {
            if shown { FileHandle.standardError.write(Data("\rreconciled: \(rows) statement rows\n".utf8)) }
        }
    }
}
