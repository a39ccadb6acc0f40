import Foundation
import HISPayCore

/// Matches one day's channel statements against the HIS ledger.
///
/// The ledger is held in a hash table keyed by channel and merchant order number (payments) or
/// refund number (refunds); statement rows stream past it and are matched as they come, so memory
/// grows with the ledger, never with the statements. Refunds a channel lists without the hospital's
/// refund number are matched by order number and amount. Rows left unmatched within the cut-off
/// window before midnight are carried over to the next day instead of reported; a carried-in row
/// still unmatched is reported. The report is sorted: the same inputs in any order give the same
/// report.
///
/// ``run(ledger:statements:carryIn:)`` reads the ledger and the statements on a thread of its own
/// while the calling thread books and matches: the sources' closures run on that thread, one at a
/// time, and have all returned when `run` returns.
public struct Reconciler: Sendable {
    /// The business day, `yyyy-MM-dd` (Beijing).
    public let date: String
    /// How close to midnight an unmatched row may be to be carried over instead of reported.
    public let cutOff: TimeInterval
    private let dayEnd: Date
    /// What to suggest, by channel, when the HIS booked a leg of a combined settlement that the
    /// channel's statement does not show (the channels' descriptors say it; the generic advice otherwise).
    public let unmatchedLegActions: [ChannelID: LocalizedText]
    /// The language of the notes and actions.
    public let language: ReportLanguage

    public init(date: String, cutOff: TimeInterval = 600, unmatchedLegActions: [ChannelID: LocalizedText] = [:], language: ReportLanguage = .en) throws {
        guard let start = BeijingTime.parse(date + " 00:00:00") else {
            throw ReconciliationError(.malformedLedger, "the reconciliation date \(date) is not yyyy-MM-dd")
        }
        self.date = date
        self.cutOff = cutOff
        self.unmatchedLegActions = unmatchedLegActions
        self.language = language
        dayEnd = start.addingTimeInterval(86_400)
    }

    /// Statement rows from one source, streamed (a channel's parser, or rows in memory).
    public typealias StatementSource = ((StatementRecord) throws -> Void) throws -> Void

    /// The statement `input` read by `parser` (a channel's, from the channel registry).
    public static func source(_ parser: any StatementParser, _ input: StatementInput) -> StatementSource {
        { handle in _ = try parser.parse(input, handle) }
    }

    /// Reconciles `ledger` against `statements`, after taking in yesterday's `carryIn`; returns the
    /// report and the rows to carry into tomorrow.
    public func run(ledger: some LedgerSource, statements: [StatementSource], carryIn: CarryOver? = nil) throws -> (ReconciliationReport, CarryOver) {
        var state = State(text: ReconciliationText(language: language))
        for row in carryIn?.ledger ?? [] { try state.book(row, carried: true) }
        // The inputs are read on a second thread (RowPipeline) while this one books and matches.
        let pipeline = RowPipeline { pipeline in
            var rows: [LedgerRecord] = []
            try ledger.forEach { row in
                rows.append(row)
                if rows.count == RowPipeline.batchSize { try pipeline.send(.ledger(rows)); rows = [] }
            }
            try pipeline.send(.ledger(rows))
            try pipeline.send(.endOfLedger)
            var records: [StatementRecord] = []
            for source in statements {
                try source { record in
                    records.append(record)
                    if records.count == RowPipeline.batchSize { try pipeline.send(.statements(records)); records = [] }
                }
            }
            try pipeline.send(.statements(records))
        }
        defer { pipeline.finish() }
        while let batch = try pipeline.next() {
            switch batch {
            case .ledger(let rows):
                for row in rows { try state.book(row, carried: false) }
            case .endOfLedger:
                for row in carryIn?.statement ?? [] { try state.match(row, carried: true, window: inWindow) }
            case .statements(let records):
                for record in records { try state.match(record, carried: false, window: inWindow) }
            }
        }
        try state.finish(window: inWindow, legActions: unmatchedLegActions.mapValues(language.pick))

        state.discrepancies.sort(by: Discrepancy.ordered)
        state.otherRows.sort(by: Discrepancy.ordered)
        let totals = state.totals.map { total in
            var total = total
            total.matchedAmount = total.channelBuckets.matched.amount  // what both sides agree on
            return total
        }.sorted { ($0.channel.rawValue, $0.kind.name) < ($1.channel.rawValue, $1.kind.name) }
        let carry = CarryOver(
            date: date, ledger: state.carryLedger.sorted { Self.key($0) < Self.key($1) },
            statement: state.carryStatement.sorted { Self.key($0) < Self.key($1) })
        let report = ReconciliationReport(
            date: date, summary: state.summary, totals: totals, discrepancies: state.discrepancies, otherRows: state.otherRows,
            repairedRows: state.repairedRows.sorted { ($0.channel.rawValue, $0.kind.name, $0.outTradeNo, $0.outRefundNo ?? "", $0.repair) < ($1.channel.rawValue, $1.kind.name, $1.outTradeNo, $1.outRefundNo ?? "", $1.repair) })
        try report.checkTotals()
        return (report, carry)
    }

    private func inWindow(_ time: Date) -> Bool { time >= dayEnd.addingTimeInterval(-cutOff) && time < dayEnd.addingTimeInterval(cutOff) }

    private static func key(_ row: LedgerRecord) -> String { "\(row.channel)|\(row.kind)|\(row.outTradeNo)|\(row.outRefundNo ?? "")|\(row.amount.fen)" }
    private static func key(_ row: StatementRecord) -> String { "\(row.channel)|\(row.kind)|\(row.outTradeNo)|\(row.outRefundNo ?? "")|\(row.amount.fen)" }

    /// The matching state of one run.
    private struct State {
        let text: ReconciliationText

        typealias Key = MatchKey

        /// HIS rows in booking order, packed (``LedgerBook``), each marked once a statement row has
        /// taken it — a second statement row with its key is then a duplicate.
        var booked = LedgerBook()
        /// HIS refunds (their rows' addresses) by channel, order number and amount, for statements
        /// without refund numbers.
        var refundsByOrder: [Key: [LedgerBook.Address]] = [:]
        /// Keys of statement rows the HIS does not have (to tell their duplicates).
        var unbooked: Set<Key> = []
        var matchedLegs: [String: Int] = [:]
        var summary = ReconciliationReport.Summary()
        /// Totals per channel and kind, found through `totalsIndex` — and, as rows of one channel
        /// and kind tend to come together, through the last one used without hashing anything.
        var totals: [ReconciliationReport.Totals] = []
        var totalsIndex: [TotalsKey: Int] = [:]
        var lastTotals: (key: TotalsKey, index: Int)?
        struct TotalsKey: Hashable {
            let channel: ChannelID
            let kind: StatementRecord.Kind
        }
        var discrepancies: [Discrepancy] = []
        var otherRows: [Discrepancy] = []
        var carryLedger: [LedgerRecord] = []
        var carryStatement: [StatementRecord] = []
        var repairedRows: [ReconciliationReport.RepairedRow] = []

        /// A payment or freeze by its order number; a refund or release by its own number.
        static func key(_ channel: ChannelID, _ kind: StatementRecord.Kind, _ outTradeNo: String, _ outRefundNo: String?) -> Key {
            switch kind {
            case .refund: Key(channel: channel, kind: .refund, number: outRefundNo ?? "")
            case .freeze: Key(channel: channel, kind: .freeze, number: outTradeNo)
            case .release: Key(channel: channel, kind: .release, number: outRefundNo ?? outTradeNo)
            default: Key(channel: channel, kind: .payment, number: outTradeNo)
            }
        }

        /// The kinds matched row by row: money (payments, refunds) and pre-authorisations.
        static let reconciled: Set<StatementRecord.Kind> = [.payment, .refund, .freeze, .release]

        static func orderKey(_ channel: ChannelID, _ outTradeNo: String, _ amount: Amount) -> Key {
            Key(channel: channel, kind: .refundOfOrder, number: outTradeNo, amount: amount.fen)
        }

        mutating func total(_ channel: ChannelID, _ kind: StatementRecord.Kind, _ update: (inout ReconciliationReport.Totals) throws -> Void) rethrows {
            let key = TotalsKey(channel: channel, kind: kind)
            let index: Int
            if let last = lastTotals, last.key == key {
                index = last.index
            } else if let known = totalsIndex[key] {
                index = known
            } else {
                index = totals.count
                totals.append(ReconciliationReport.Totals(channel: channel, kind: kind))
                totalsIndex[key] = index
            }
            lastTotals = (key, index)
            try update(&totals[index])
        }

        /// Puts a HIS row (amount `his`) and/or a statement row (amount `statement`) of `channel` and
        /// `kind` in `bucket`, with one look-up of their totals (this runs for every row).
        mutating func put(
            _ bucket: WritableKeyPath<ReconciliationReport.Buckets, ReconciliationReport.Bucket>, _ channel: ChannelID, _ kind: StatementRecord.Kind,
            his: Amount? = nil, statement: Amount? = nil
        ) throws {
            try total(channel, kind) {
                if let his { try $0.hisBuckets[keyPath: bucket].add(his) }
                if let statement { try $0.channelBuckets[keyPath: bucket].add(statement) }
            }
        }

        mutating func book(_ row: LedgerRecord, carried: Bool) throws {
            try total(row.channel, row.kind) {
                $0.hisCount += 1
                $0.hisAmount = try $0.hisAmount.adding(row.amount)
            }
            let key = Self.key(row.channel, row.kind, row.outTradeNo, row.outRefundNo)
            guard let address = try booked.insert(row, key: key, carried: carried) else {
                summary.duplicate += 1
                try put(\.duplicate, row.channel, row.kind, his: row.amount)
                discrepancies.append(Discrepancy(
                    kind: .duplicate, channel: row.channel, recordKind: row.kind, outTradeNo: row.outTradeNo, outRefundNo: row.outRefundNo,
                    settlementID: row.settlementID, hisAmount: row.amount, time: row.time, source: "his",
                    note: text.hisDuplicate(row.kind).note, action: text.hisDuplicate(row.kind).action))
                return
            }
            if row.kind == .refund { refundsByOrder[Self.orderKey(row.channel, row.outTradeNo, row.amount), default: []].append(address) }
        }

        mutating func match(_ row: StatementRecord, carried: Bool, window: (Date) -> Bool) throws {
            try total(row.channel, row.kind) {
                $0.channelCount += 1
                $0.channelAmount = try $0.channelAmount.adding(row.amount)
                $0.fee = try $0.fee.adding(row.fee)
            }
            if let repair = row.repair {
                repairedRows.append(.init(
                    channel: row.channel, kind: row.kind, outTradeNo: row.outTradeNo, outRefundNo: row.outRefundNo, amount: row.amount, repair: repair))
            }
            guard Self.reconciled.contains(row.kind) else {
                summary.unclassified += 1
                try put(\.unclassified, row.channel, row.kind, statement: row.amount)
                discrepancies.append(discrepancy(.unclassified, row, his: nil, text.unclassified(type: row.status, amount: row.amount)))
                return
            }
            let key: Key
            let found: LedgerBook.Address?
            if row.kind == .refund, row.outRefundNo?.isEmpty ?? true {
                // No refund number on the statement: an open HIS refund of that order and amount.
                key = Self.orderKey(row.channel, row.outTradeNo, row.amount)
                found = refundsByOrder[key]?.first { !booked.isSettled($0) }
            } else {
                key = Self.key(row.channel, row.kind, row.outTradeNo, row.outRefundNo)
                found = booked.find(key)
            }
            if let found, booked.isSettled(found) {
                return try duplicate(row)
            }
            guard let index = found else {
                guard unbooked.insert(key).inserted else { return try duplicate(row) }
                if !carried, window(row.time) {
                    summary.carriedOver += 1
                    try put(\.carriedOver, row.channel, row.kind, statement: row.amount)
                    carryStatement.append(row)
                    otherRows.append(discrepancy(.carriedOver, row, his: nil, text.channelCarried(row.kind)))
                } else {
                    summary.channelOnly += 1
                    try put(\.only, row.channel, row.kind, statement: row.amount)
                    discrepancies.append(discrepancy(.channelOnly, row, his: nil, text.channelOnly(row.kind, row.amount)))
                }
                return
            }
            booked.settle(index)
            // The booked row is unpacked only for a discrepancy: a match needs its amount, status and settlement.
            let amount = booked.amount(index)
            if amount != row.amount {
                summary.amountMismatch += 1
                try put(\.amountMismatch, row.channel, row.kind, his: amount, statement: row.amount)
                discrepancies.append(discrepancy(.amountMismatch, row, his: booked.record(index), text.amountMismatch(his: amount, channel: row.amount)))
            } else if let dispute = row.dispute {
                summary.statusMismatch += 1
                try put(\.statusMismatch, row.channel, row.kind, his: amount, statement: row.amount)
                discrepancies.append(discrepancy(.statusMismatch, row, his: booked.record(index), text.disputed(row.kind, dispute)))
            } else if !booked.isBooked(index) {
                let his = booked.record(index)
                summary.statusMismatch += 1
                try put(\.statusMismatch, row.channel, row.kind, his: amount, statement: row.amount)
                discrepancies.append(discrepancy(.statusMismatch, row, his: his, text.statusMismatch(row.kind, hisStatus: his.status)))
            } else {
                summary.matched += 1
                try put(\.matched, row.channel, row.kind, his: amount, statement: row.amount)
                if let settlement = booked.settlementID(index) { matchedLegs[settlement, default: 0] += 1 }
            }
        }

        mutating func duplicate(_ row: StatementRecord) throws {
            summary.duplicate += 1
            try put(\.duplicate, row.channel, row.kind, statement: row.amount)
            discrepancies.append(discrepancy(.duplicate, row, his: nil, source: "channel", text.channelDuplicate(row.kind)))
        }

        /// HIS rows no statement showed: carried over near midnight, reported otherwise.
        mutating func finish(window: (Date) -> Bool, legActions unmatchedLegActions: [ChannelID: String]) throws {
            for address in booked.addresses where !booked.isSettled(address) {
                let (row, carried) = (booked.record(address), booked.isCarried(address))
                // A HIS row that never took effect (closed, failed) and no channel row: both sides agree.
                guard row.isBooked else {
                    summary.closed += 1
                    try put(\.closed, row.channel, row.kind, his: row.amount)
                    otherRows.append(Discrepancy(
                        kind: .closed, channel: row.channel, recordKind: row.kind, outTradeNo: row.outTradeNo, outRefundNo: row.outRefundNo,
                        settlementID: row.settlementID, hisAmount: row.amount, time: row.time,
                        note: text.closed(row.kind, status: row.status).note, action: text.closed(row.kind, status: row.status).action))
                    continue
                }
                // A freeze or release moves no money, and statements of cleared money need not list
                // it: without a statement row it is recorded, not chased.
                if row.kind.isAuthorization {
                    summary.authorization += 1
                    try put(\.authorization, row.channel, row.kind, his: row.amount)
                    otherRows.append(Discrepancy(
                        kind: .authorization, channel: row.channel, recordKind: row.kind, outTradeNo: row.outTradeNo, outRefundNo: row.outRefundNo,
                        settlementID: row.settlementID, hisAmount: row.amount, time: row.time,
                        note: text.authorization(row.kind).note, action: text.authorization(row.kind).action))
                    continue
                }
                if !carried, window(row.time) {
                    summary.carriedOver += 1
                    try put(\.carriedOver, row.channel, row.kind, his: row.amount)
                    carryLedger.append(row)
                    otherRows.append(Discrepancy(
                        kind: .carriedOver, channel: row.channel, recordKind: row.kind, outTradeNo: row.outTradeNo, outRefundNo: row.outRefundNo,
                        settlementID: row.settlementID, hisAmount: row.amount, time: row.time,
                        note: text.hisCarried(row.kind).note, action: text.hisCarried(row.kind).action))
                    continue
                }
                summary.hisOnly += 1
                try put(\.only, row.channel, row.kind, his: row.amount)
                var (note, action) = text.hisOnly(row.kind, row.amount, channel: row.channel)
                if let settlement = row.settlementID {
                    note += text.settlementLeg(settlement, matched: matchedLegs[settlement] ?? 0)
                    if let legAction = unmatchedLegActions[row.channel] { action = legAction }
                }
                discrepancies.append(Discrepancy(
                    kind: .hisOnly, channel: row.channel, recordKind: row.kind, outTradeNo: row.outTradeNo, outRefundNo: row.outRefundNo,
                    settlementID: row.settlementID, hisAmount: row.amount, time: row.time, note: note, action: action))
            }
            booked = LedgerBook()
        }

        func discrepancy(
            _ kind: Discrepancy.Kind, _ row: StatementRecord, his: LedgerRecord?, source: String? = nil, _ sentence: ReconciliationText.Sentence
        ) -> Discrepancy {
            Discrepancy(
                kind: kind, channel: row.channel, recordKind: row.kind, outTradeNo: row.outTradeNo, outRefundNo: row.outRefundNo ?? his?.outRefundNo,
                settlementID: his?.settlementID, hisAmount: his?.amount, channelAmount: row.amount, time: row.time, source: source,
                note: sentence.note, action: sentence.action)
        }
    }
}
