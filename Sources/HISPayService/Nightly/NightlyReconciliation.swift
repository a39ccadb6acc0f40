import Foundation
import HISPayCompression
import HISPayCore
import HISPayCrypto
import HISPayStore
import HospitalCard
import MedicalInsurance
import Reconciliation

/// One night's reconciliation of a hospital group: for every merchant profile (campus) of a
/// configuration, every channel's statement of the day is downloaded — waiting for the channel's
/// publication hour and asking again while it is not out — the HIS side is taken from the payment
/// journal in the store (exported beside the statements as `his-journal.csv`, or a ledger CSV given
/// per merchant), yesterday's carry-over is read from the
/// store and today's saved there, and each merchant becomes a section of one `GroupReport`. A
/// merchant with an `insurance` block also has its insurance leg checked with the platform
/// (``InsuranceLeg``: 3201 totals, the 3202 detail result as its statement).
///
/// A channel whose statement cannot be had after every attempt is left out of that merchant's day:
/// its HIS rows and carried rows go into the carry-over unreconciled, the section says so, and the
/// report's `GroupReport.attention` is `incomplete` — rerun the day once the statement is out
/// (a rerun replaces the day's carry-over).
public struct NightlyReconciliation: Sendable {
    public let registry: ChannelRegistry
    public let configuration: HISPayConfiguration
    public let store: any PaymentStore
    public let transports: any TransportProvider
    /// How long to wait between attempts while a statement is not out (WeChat Pay asks for half an hour).
    public var retryEvery: TimeInterval = 1800
    /// How long after the run starts to keep asking before a statement counts as unavailable.
    public var giveUpAfter: TimeInterval = 4 * 3600
    public var cutOff: TimeInterval = 600
    public var language: ReportLanguage = .zh
    /// The run's clock: when statements are out, when to give up, the report's time.
    public var time: any TimeSource = SystemTimeSource()
    /// The clock the channels sign and check their messages with: the wall clock, even for a run as
    /// of another time (`time`), since a channel's answers are stamped now.
    public var channelTime: any TimeSource = SystemTimeSource()
    /// How the run waits (a test passes a short one).
    public var sleep: @Sendable (TimeInterval) async throws -> Void = { try await Task.sleep(for: .milliseconds(Int64($0 * 1000))) }
    /// Where the run says what it is doing (a statement not out yet, the next attempt).
    public var log: @Sendable (String) -> Void = { _ in }

    /// The kind of the store document holding a merchant's carry-over of a day (id `<merchant>/<date>`).
    public static let carryOverDocument = "reconciliation.carry-over"

    public init(registry: ChannelRegistry, configuration: HISPayConfiguration, store: any PaymentStore, transports: any TransportProvider) {
        self.registry = registry
        self.configuration = configuration
        self.store = store
        self.transports = transports
    }

    /// A night's result: the report, and each merchant's carry-over (also saved in the store).
    public struct Night: Sendable {
        public var report: GroupReport
        public var carryOvers: [String: CarryOver]
    }

    /// Reconciles the business day `date` for `merchants` (every profile when nil); downloaded
    /// statements (and the journal's export) are saved in `directory/<merchant>/inputs`. `ledgers`
    /// gives a merchant's HIS side as a ledger CSV file instead of the journal. `partners` are the
    /// resource-pool partners' order files (name and file), matched three ways against every
    /// merchant's HIS rows and statements.
    public func run(
        date: String, merchants: [String]? = nil, ledgers: [String: URL] = [:], partners: [(name: String, file: URL)] = [], directory: URL
    ) async throws -> Night {
        let reconciler = try registry.reconciler(date: date, cutOff: cutOff, language: language)
        let partnerMatch = partners.isEmpty ? nil : try PartnerReconciler(files: partners, configuration: configuration, language: language)
        let profiles = try (merchants ?? configuration.merchants.map(\.name)).map { try configuration.merchant(named: $0) }
        let deadline = time.now().addingTimeInterval(giveUpAfter)
        var sections: [GroupReport.Section] = []
        var carryOvers: [String: CarryOver] = [:]
        for profile in profiles {
            let folder = ReportFiles.folder(of: profile.name, in: directory)
            var statements: [GroupReport.Statement] = []
            var sources: [(channel: ChannelID, input: StatementInput)] = []
            for descriptor in registry.descriptors where profile.channels.contains(descriptor.id) {
                guard let hour = descriptor.statementPublicationHour, descriptor.statementParser != nil else { continue }
                let (statement, file) = try await download(descriptor, hour: hour, merchant: profile, date: date, deadline: deadline, folder: folder)
                statements.append(statement)
                if let file { sources.append((descriptor.id, StatementInput(fileURL: file, businessDate: date))) }
            }
            var insurance: InsuranceDay?
            if profile.channels.contains(.insurance) {
                let day = try await insuranceDay(profile, date: date, folder: folder)
                statements.append(day.statement)
                if let file = day.file { sources.append((.insurance, StatementInput(fileURL: file, businessDate: date))) }
                insurance = day
            }
            var platformTotals = insurance?.totals ?? []
            if profile.channels.contains(.hospitalCard) {
                let card = try await cardDay(profile, date: date, folder: folder, sources: sources)
                statements.append(card.statement)
                if let file = card.file { sources.append((.hospitalCard, StatementInput(fileURL: file, businessDate: date))) }
                platformTotals += card.totals
            }
            let reconciled = Set(statements.filter { $0.state != .unavailable }.map(\.channel))
            let (ledger, role): (URL, String)
            if let given = ledgers[profile.name] {
                (ledger, role) = (given, "ledger")
            } else {
                (ledger, role) = (folder.appendingPathComponent("inputs").appendingPathComponent("his-journal.csv"), "journal")
                try LedgerCSV.write(try await JournalLedger.rows(store, merchant: profile.name, date: date).rows + (insurance?.ledger ?? []), to: ledger)
            }
            let carryIn = try await carryOver(of: profile.name, on: Self.day(before: date))
            let (section, carry) = try reconcile(
                reconciler, profile: profile, statements: statements, sources: sources, reconciled: reconciled, ledger: ledger,
                role: role, carryIn: carryIn, partners: partnerMatch, platformTotals: platformTotals)
            try await store.saveDocument(Self.carryOverDocument, id: "\(profile.name)/\(date)", JSONEncoder.reconciliation.encode(carry))
            sections.append(section)
            carryOvers[profile.name] = carry
        }
        var report = GroupReport(date: date, generatedAt: time.now(), language: language, sections: sections)
        report.partners = try partnerMatch?.reports(partners)
        return Night(report: report, carryOvers: carryOvers)
    }

    /// The carry-over a previous run saved for `merchant` and `date`, if any.
    public func carryOver(of merchant: String, on date: String) async throws -> CarryOver? {
        guard let data = try await store.document(Self.carryOverDocument, id: "\(merchant)/\(date)") else { return nil }
        return try CarryOver.read(data, path: "the store's carry-over of \(merchant) on \(date)")
    }

    /// One merchant's day: the reconciled channels' rows matched, the others set aside into the carry-over.
    private func reconcile(
        _ reconciler: Reconciler, profile: MerchantProfile, statements: [GroupReport.Statement],
        sources: [(channel: ChannelID, input: StatementInput)], reconciled: Set<ChannelID>, ledger: URL, role: String,
        carryIn: CarryOver?, partners: PartnerReconciler?, platformTotals: [PlatformTotals]
    ) throws -> (GroupReport.Section, CarryOver) {
        let held = HeldRows(reconciled: reconciled, unavailable: Set(statements.filter { $0.state == .unavailable }.map(\.channel)))
        var counted: [ChannelID: Int] = [:]
        var carry = carryIn
        carry?.ledger = try carryIn?.ledger.filter { try held.keep($0) } ?? []
        carry?.statement = carryIn?.statement.filter { reconciled.contains($0.channel) || held.hold($0) } ?? []
        let parsers = try sources.map { source in (source, try registry.statementParser(for: source.channel)) }
        var (report, carryOut) = try reconciler.run(
            ledger: FilteredLedger(inner: LedgerCSV(url: ledger, channels: registry.channelsByName), held: held, partners: partners),
            statements: parsers.map { source, parser in
                { handle in
                    _ = try parser.parse(source.input) { row in
                        counted[source.channel, default: 0] += 1
                        try partners?.see(row)
                        try handle(row)
                    }
                }
            }, carryIn: carry)
        carryOut.ledger += held.ledger
        carryOut.statement += held.statement
        var inputs = [try ReportContext.Input(role: role, fileAt: ledger, rows: held.seen)]
        var statements = statements
        for (index, statement) in statements.enumerated() where statement.state == .downloaded {
            statements[index].rows = counted[statement.channel] ?? 0
            if let file = statement.file, let sha256 = statement.sha256 {
                inputs.append(ReportContext.Input(role: "statement:" + statement.channel.rawValue, file: file, rows: counted[statement.channel] ?? 0, sha256: sha256))
            }
        }
        if let carryIn {
            let data = try JSONEncoder.reconciliation.encode(carryIn)
            inputs.append(ReportContext.Input(
                role: "carry-in", file: "store:\(Self.carryOverDocument)", rows: carryIn.ledger.count + carryIn.statement.count,
                sha256: Hex.encode(try DigestAlgorithm.sha256.hash(data))))
        }
        report.platformTotals = platformTotals.isEmpty ? nil : platformTotals
        report.context = ReportContext(
            generatedAt: time.now(), language: language, merchant: profile.name, accounts: registry.accounts(of: profile),
            channelNames: registry.displayNames(in: language), inputs: inputs)
        return (GroupReport.Section(merchant: profile.name, statements: statements, notReconciled: held.buckets, report: report), carryOut)
    }

    /// Downloads one channel's statement of `date` into `folder/inputs`, asking again while it is not out.
    private func download(
        _ descriptor: ChannelDescriptor, hour: Int, merchant: MerchantProfile, date: String, deadline: Date, folder: URL
    ) async throws -> (GroupReport.Statement, URL?) {
        guard let start = BeijingTime.parse(date + " 00:00:00") else {
            throw ReconciliationError(.malformedLedger, "the reconciliation date \(date) is not yyyy-MM-dd")
        }
        let published = start.addingTimeInterval(86_400 + TimeInterval(hour) * 3600)
        let channel: any PaymentChannel
        do {
            channel = try registry.channel(descriptor.id, merchant: merchant, transports: transports, time: channelTime)
        } catch {
            return (GroupReport.Statement(channel: descriptor.id, state: .unavailable, attempts: 0, problem: "\(error)"), nil)
        }
        let request = try StatementRequest(date: date)
        let name = "\(merchant.name) \(descriptor.name)"
        if time.now() < published {
            guard published <= deadline else {
                return (GroupReport.Statement(channel: descriptor.id, state: .unavailable, attempts: 0, problem: "not published before \(BeijingTime.format(published))"), nil)
            }
            log("\(name): the statement of \(date) is published at \(BeijingTime.format(published)); waiting")
            try await sleep(published.timeIntervalSince(time.now()))
        }
        var attempts = 0
        while true {
            attempts += 1
            let problem: String
            do {
                let file = try await channel.downloadStatement(request)
                return try save(file.contents, as: "\(date).\(file.format)", channel: descriptor.id, attempts: attempts, folder: folder)
            } catch let error as ChannelError where error.code == .noStatement {
                return (GroupReport.Statement(channel: descriptor.id, state: .empty, attempts: attempts), nil)
            } catch let error as ChannelError where error.code == .statementNotReady || error.code == .transport || error.isRetrySafe {
                problem = Self.words(of: error)
            } catch let error as ChannelError {
                return (GroupReport.Statement(channel: descriptor.id, state: .unavailable, attempts: attempts, problem: Self.words(of: error)), nil)
            }
            guard time.now().addingTimeInterval(retryEvery) <= deadline else {
                return (GroupReport.Statement(channel: descriptor.id, state: .unavailable, attempts: attempts, problem: "not out after \(attempts) attempts: \(problem)"), nil)
            }
            log("\(name): the statement of \(date) is not out yet (\(problem)); next attempt in \(Int(retryEvery)) s")
            try await sleep(retryEvery)
        }
    }

    /// Saves a statement into `folder/inputs` as `name`: the section's statement line and the file.
    private func save(_ contents: Data, as name: String, channel: ChannelID, attempts: Int, folder: URL) throws -> (GroupReport.Statement, URL?) {
        let url = folder.appendingPathComponent("inputs").appendingPathComponent(name)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try contents.write(to: url)
        } catch {
            throw ReconciliationError(.unreadable, "cannot save the \(channel) statement into \(url.path)")
        }
        let sha256 = Hex.encode(try DigestAlgorithm.sha256.hash(contents))
        return (GroupReport.Statement(channel: channel, state: .downloaded, file: "inputs/" + name, sha256: sha256, attempts: attempts), url)
    }

    /// A merchant's insurance leg of the night: its statement line and file, the HIS's rows, the 3201 verdicts.
    struct InsuranceDay {
        var statement: GroupReport.Statement
        var file: URL?
        var ledger: [LedgerRecord]
        var totals: [PlatformTotals]
    }

    /// The insurance leg (``InsuranceLeg``) of `merchant` on `date`: the checkout records of the day
    /// from the store, checked with the platform; the 3202 result saved in `folder/inputs`. When the
    /// platform cannot be asked, the statement is unavailable and the HIS's rows are held as for any
    /// channel.
    private func insuranceDay(_ merchant: MerchantProfile, date: String, folder: URL) async throws -> InsuranceDay {
        let records = try await StoreCheckoutJournal(store: store, merchant: merchant.name).records(on: date)
        let ledger = try InsuranceLeg.ledger(records, date: date)
        func unavailable(_ problem: String) -> InsuranceDay {
            InsuranceDay(statement: GroupReport.Statement(channel: .insurance, state: .unavailable, attempts: 1, problem: problem), ledger: ledger, totals: [])
        }
        do {
            let day = try await InsuranceLeg(client: try registry.insuranceClient(merchant: merchant, transports: transports)).reconcile(records, date: date)
            guard !day.result.isEmpty else {
                return InsuranceDay(statement: GroupReport.Statement(channel: .insurance, state: .empty, attempts: 1), ledger: day.ledger, totals: day.totals)
            }
            let zipped = ZipReader.isArchive(day.result)
            let (statement, file) = try save(day.result, as: "\(date).nhsa-3202-result.\(zipped ? "zip" : "txt")", channel: .insurance, attempts: 1, folder: folder)
            return InsuranceDay(statement: statement, file: file, ledger: day.ledger, totals: day.totals)
        } catch let error as ChannelError {
            return unavailable(Self.words(of: error))
        } catch let error as NHSAUnknownOutcome {
            return unavailable(error.description)
        } catch let error as ConfigurationError {
            return unavailable(error.description)
        }
    }

    /// The card's day of `merchant` (``CardLeg``): its statement saved in `folder/inputs` to be
    /// reconciled as a channel's, and its verdict checked against the top-up channels' `sources`.
    private func cardDay(
        _ merchant: MerchantProfile, date: String, folder: URL, sources: [(channel: ChannelID, input: StatementInput)]
    ) async throws -> (statement: GroupReport.Statement, file: URL?, totals: [PlatformTotals]) {
        guard let store = store as? SQLPaymentStore else {
            return (GroupReport.Statement(channel: .hospitalCard, state: .unavailable, attempts: 1, problem: "the card ledger needs an SQL store"), nil, [])
        }
        let settings = try merchant.block(for: .hospitalCard).map { try HospitalCardSettings(block: $0) } ?? HospitalCardSettings()
        let card = HospitalCardChannel(ledger: try await CardLedger(store: store, merchant: merchant.name, time: channelTime), settings: settings)
        let entries = try await card.ledger.entries(onDay: date)
        let (statement, file) = try save(
            try await card.downloadStatement(try StatementRequest(date: date)).contents, as: "\(date).hospitalcard.csv", channel: .hospitalCard, attempts: 1,
            folder: folder)
        var records: [ChannelID: [StatementRecord]?] = [:]
        for name in Set(entries.compactMap(\.channel)) where name != "cash" {
            let id = ChannelID(name)
            guard let source = sources.first(where: { $0.channel == id }) else {
                records[id] = .some(nil)
                continue
            }
            var rows: [StatementRecord] = []
            _ = try registry.statementParser(for: id).parse(source.input) { rows.append($0) }
            records[id] = rows
        }
        return (statement, file, [CardLeg.totals(try await card.day(date), entries: entries, statements: records, cutOff: cutOff)])
    }

    static func day(before date: String) -> String {
        BeijingTime.day((BeijingTime.parse(date + " 00:00:00") ?? Date()).addingTimeInterval(-86_400))
    }

    /// A channel's refusal as the section shows it: the reason and the channel's own status.
    static func words(of error: ChannelError) -> String { "\(error.reason)\(error.status.map { " (\($0))" } ?? "")" }

    /// The HIS rows of channels not reconciled tonight, counted — and, for a channel whose statement
    /// was unavailable, held with its carried rows for the next run; and the HIS rows seen, for the
    /// report's inputs. Rows of channels without a daily download (reconciled with `--statement`) are
    /// counted, not carried.
    final class HeldRows {
        let reconciled: Set<ChannelID>
        let unavailable: Set<ChannelID>
        var ledger: [LedgerRecord] = []
        var statement: [StatementRecord] = []
        var buckets: [String: ReconciliationReport.Bucket] = [:]
        var seen = 0

        init(reconciled: Set<ChannelID>, unavailable: Set<ChannelID>) {
            self.reconciled = reconciled
            self.unavailable = unavailable
        }

        /// Whether a HIS row is reconciled tonight; holds it otherwise.
        func keep(_ row: LedgerRecord) throws -> Bool {
            if reconciled.contains(row.channel) { return true }
            if unavailable.contains(row.channel) { ledger.append(row) }
            let bucket = buckets[row.channel.rawValue] ?? .init()
            buckets[row.channel.rawValue] = .init(count: bucket.count + 1, amount: try bucket.amount.adding(row.amount))
            return false
        }

        /// Holds a carried statement row of a channel not reconciled tonight (always false: not matched).
        func hold(_ row: StatementRecord) -> Bool {
            if unavailable.contains(row.channel) { statement.append(row) }
            return false
        }
    }

    /// The HIS side with the rows of channels not reconciled tonight held back; the partners' match
    /// sees every row.
    struct FilteredLedger: LedgerSource {
        let inner: any LedgerSource
        let held: HeldRows
        let partners: PartnerReconciler?

        func forEach(_ body: (LedgerRecord) throws -> Void) throws {
            try inner.forEach { row in
                held.seen += 1
                try partners?.see(row)
                if try held.keep(row) { try body(row) }
            }
        }
    }
}
