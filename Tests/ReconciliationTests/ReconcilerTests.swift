import Foundation
import HISPayCore
import HISPayTestSupport
import Reconciliation
import Testing

/// The matching engine on one planted day: every result kind, refunds (partial, without a refund
/// number, of yesterday's payment), a combined settlement missing a leg, carry-over and carry-in.
@Suite struct ReconcilerTests {
    static func at(_ text: String) -> Date { BeijingTime.parse(text)! }
    static func yuan(_ text: String) -> Amount { try! Amount(yuan: text) }

    static func his(
        _ channel: ChannelID, _ kind: StatementRecord.Kind, _ order: String, refund: String? = nil, _ amount: String, _ time: String = "2026-11-22 10:00:00",
        settlement: String? = nil, status: String = "success"
    ) -> LedgerRecord {
        LedgerRecord(channel: channel, kind: kind, outTradeNo: order, outRefundNo: refund, amount: yuan(amount), time: at(time), settlementID: settlement, status: status)
    }

    static func bank(
        _ channel: ChannelID, _ kind: StatementRecord.Kind, _ order: String, refund: String? = nil, _ amount: String, _ time: String = "2026-11-22 10:00:01",
        fee: String = "0.01"
    ) -> StatementRecord {
        StatementRecord(
            channel: channel, kind: kind, outTradeNo: order, channelTradeNo: "T-\(order)", outRefundNo: refund, amount: yuan(amount), fee: yuan(fee),
            time: at(time), status: kind == .payment ? "SUCCESS" : "REFUND")
    }

    static let ledger: [LedgerRecord] = [
        his(.wechatPay, .payment, "M1", "12.30"),  // matched
        his(.wechatPay, .payment, "H1", "50.00"),  // HIS-only
        his(.wechatPay, .payment, "A1", "20.00"),  // amount mismatch (channel 21.00)
        his(.alipay, .payment, "S1", "8.00", status: "pending"),  // status mismatch
        his(.alipay, .payment, "D1", "5.00"), his(.alipay, .payment, "D1", "5.00"),  // duplicate in the HIS
        his(.wechatPay, .payment, "N1", "99.00", "2026-11-22 23:58:30"),  // carried over (near midnight)
        his(.wechatPay, .payment, "P1", "100.00"),  // partially refunded twice
        his(.wechatPay, .refund, "P1", refund: "P1R1", "30.00"), his(.wechatPay, .refund, "P1", refund: "P1R2", "20.00"),
        his(.unionPay, .refund, "U1", refund: "U1R1", "15.00"),  // refund of yesterday's payment, statement without refund no.
        his(.wechatPay, .payment, "C1", "23.40", settlement: "SETL1"),  // combined settlement: cash leg matched…
        his(.insurance, .payment, "SETL1", "100.00", settlement: "SETL1"),  // …insurance leg missing
    ]

    static let statement: [StatementRecord] = [
        bank(.wechatPay, .payment, "M1", "12.30"),
        bank(.wechatPay, .payment, "A1", "21.00"),
        bank(.alipay, .payment, "S1", "8.00"),
        bank(.alipay, .payment, "D1", "5.00"),
        bank(.wechatPay, .payment, "X1", "66.00"),  // channel-only
        bank(.wechatPay, .payment, "X2", "1.00"), bank(.wechatPay, .payment, "X2", "1.00"),  // channel-only, then a duplicate
        bank(.wechatPay, .payment, "P1", "100.00"),
        bank(.wechatPay, .refund, "P1", refund: "P1R1", "30.00", fee: "0.00"), bank(.wechatPay, .refund, "P1", refund: "P1R2", "20.00", fee: "0.00"),
        bank(.unionPay, .refund, "U1", "15.00", fee: "0.00"),
        bank(.wechatPay, .payment, "C1", "23.40"),
    ]

    func run(_ ledger: [LedgerRecord], _ statements: [[StatementRecord]], date: String = "2026-11-22", carryIn: CarryOver? = nil) throws -> (ReconciliationReport, CarryOver) {
        try Reconciler(date: date, unmatchedLegActions: [.insurance: LocalizedText(zh: "查询医保结算（5261）", en: "query the insurance settlement (5261)")]).run(
            ledger: LedgerRows(ledger), statements: statements.map { rows in { handle in for row in rows { try handle(row) } } }, carryIn: carryIn)
    }

    /// The inputs are read on a second thread: a day of many batches reconciles as one would expect,
    /// and an error on either side — a bad statement row while reading, an overflowing total while
    /// booking with reading far from done — ends the run with that error, the reading thread stopped.
    @Test func inputsReadOnASecondThreadReconcileAndStopOnAnError() throws {
        let count = 50_000  // many batches, more than the hand-over queue holds
        let ledger = (0..<count).map { Self.his(.wechatPay, .payment, "R\($0)", "1.00") }
        let statement = (0..<count).map { Self.bank(.wechatPay, .payment, "R\($0)", $0 == 777 ? "2.00" : "1.00") }
        let (report, _) = try run(ledger, [statement])
        #expect(report.summary.matched == count - 1 && report.summary.amountMismatch == 1)

        struct Unreadable: Error {}
        let reconciler = try Reconciler(date: "2026-11-22")
        #expect(throws: Unreadable.self) {
            try reconciler.run(ledger: LedgerRows(ledger), statements: [{ handle in
                for (index, row) in statement.enumerated() {
                    if index == 30_000 { throw Unreadable() }
                    try handle(row)
                }
            }])
        }
        var overflowing = ledger
        overflowing[1] = Self.his(.wechatPay, .payment, "BIG1", "92233720368547758.07")
        overflowing[2] = Self.his(.wechatPay, .payment, "BIG2", "92233720368547758.07")
        #expect(throws: AmountError.self) { try run(overflowing, [statement]) }
    }

    @Test func everyPlantedDiscrepancyIsFoundExactly() throws {
        let (report, carry) = try run(Self.ledger, [Self.statement])
        var expected = ReconciliationReport.Summary()
        (expected.matched, expected.channelOnly, expected.hisOnly, expected.amountMismatch) = (7, 2, 2, 1)  // M1 D1 P1 P1R1 P1R2 U1R1 C1
        (expected.statusMismatch, expected.duplicate, expected.carriedOver) = (1, 2, 1)
        #expect(report.summary == expected)
        let found = report.discrepancies.map { "\($0.kind) \($0.channel) \($0.outTradeNo) \($0.source ?? "")" }
        #expect(found == [
            "amountMismatch wechatpay A1 ", "channelOnly wechatpay X1 ", "channelOnly wechatpay X2 ", "duplicate alipay D1 his",
            "duplicate wechatpay X2 channel", "hisOnly insurance SETL1 ", "hisOnly wechatpay H1 ", "statusMismatch alipay S1 ",
        ])
        let insurance = try #require(report.discrepancies.first { $0.outTradeNo == "SETL1" })
        #expect(insurance.note.contains("leg of combined settlement SETL1, 1 other leg(s) matched"))
        #expect(insurance.action.contains("5261"))  // the advice given for the channel, not a default
        let generic = try #require(report.discrepancies.first { $0.outTradeNo == "H1" })
        #expect(generic.action.hasPrefix("query the channel"))
        let mismatch = try #require(report.discrepancies.first { $0.kind == .amountMismatch })
        #expect(mismatch.hisAmount == Self.yuan("20.00") && mismatch.channelAmount == Self.yuan("21.00"))
        #expect(carry.ledger.map(\.outTradeNo) == ["N1"] && carry.statement.isEmpty)
        let refunds = try #require(report.totals.first { $0.channel == .wechatPay && $0.kind == .refund })
        #expect(refunds.hisAmount == Self.yuan("50.00") && refunds.channelAmount == Self.yuan("50.00") && refunds.matchedAmount == Self.yuan("50.00"))
        let payments = try #require(report.totals.first { $0.channel == .wechatPay && $0.kind == .payment })
        #expect(payments.channelCount == 7 && payments.fee == Self.yuan("0.07"))
    }

    @Test func aCarriedRowIsResolvedByTheNextDayAndAnUnresolvedOneReported() throws {
        let (_, carry) = try run([Self.his(.wechatPay, .payment, "N1", "99.00", "2026-11-22 23:58:30"), Self.his(.wechatPay, .payment, "N2", "1.00", "2026-11-22 23:59:00")], [[
            Self.bank(.alipay, .payment, "Q1", "3.00", "2026-11-22 23:59:59"),
        ]])
        #expect(carry.ledger.count == 2 && carry.statement.map(\.outTradeNo) == ["Q1"])
        let (next, nextCarry) = try run(
            [Self.his(.alipay, .payment, "Q1", "3.00", "2026-11-23 00:00:02")],
            [[Self.bank(.wechatPay, .payment, "N1", "99.00", "2026-11-23 00:00:05")]], date: "2026-11-23", carryIn: carry)
        #expect(next.summary.matched == 2 && next.summary.carriedOver == 0)
        #expect(next.discrepancies.map { "\($0.kind) \($0.outTradeNo)" } == ["hisOnly N2"])  // stayed unresolved past the window
        #expect(nextCarry.ledger.isEmpty && nextCarry.statement.isEmpty)
    }

    @Test func shufflingTheInputsNeverChangesTheReport() throws {
        let (reference, referenceCarry) = try run(Self.ledger, [Self.statement])
        var generator = SeededGenerator(seed: 2026_11_22)
        for _ in 0..<50 {
            let ledger = Self.ledger.shuffled(using: &generator)
            let rows = Self.statement.shuffled(using: &generator)
            let split = Int.random(in: 0...rows.count, using: &generator)
            let (report, carry) = try run(ledger, [Array(rows[..<split]), Array(rows[split...])])
            #expect(report == reference)
            #expect(carry == referenceCarry)
        }
    }

    /// An Alipay row of an unknown 业务类型 and a row read with a repair (see AlipayBillParserTests) are
    /// reported: the first as an unclassified discrepancy, the second matched and listed for a check.
    @Test func unclassifiedAndRepairedRowsAreReported() throws {
        var frozen = Self.bank(.alipay, .payment, "F1", "0.01")
        frozen.kind = .unclassified
        frozen.status = "冻结 -0.01"
        var repaired = Self.bank(.alipay, .payment, "R1", "12.30")
        repaired.repair = "the row has 1 more comma(s) than the header; read with 商品名称 took 1"
        let (report, _) = try run([Self.his(.alipay, .payment, "R1", "12.30")], [[frozen, repaired]])
        #expect(report.summary.matched == 1 && report.summary.unclassified == 1 && report.summary.channelOnly == 0)
        let item = try #require(report.discrepancies.first)
        #expect(item.kind == .unclassified && item.outTradeNo == "F1" && item.note.contains("冻结 -0.01"))
        #expect(report.repairedRows.map { "\($0.channel) \($0.kind) \($0.outTradeNo) \($0.amount) \($0.repair)" } == [
            "alipay payment R1 ¥12.30 the row has 1 more comma(s) than the header; read with 商品名称 took 1"
        ])
        let unclassified = try #require(report.totals.first { $0.kind == .unclassified })
        #expect(unclassified.channelCount == 1 && unclassified.channelAmount == Self.yuan("0.01"))
    }

    @Test func aBadDateIsRefused() {
        #expect(throws: ReconciliationError.self) { try Reconciler(date: "22/11/2026") }
    }

    /// Every row in exactly one bucket on both sides: for every channel and kind, each side's total is
    /// matched plus its other buckets — including a closed HIS row (no money moved) and the rows
    /// carried over, which are listed in `otherRows`; a report whose buckets do not add up is refused.
    @Test func everyRowIsInExactlyOneBucketAndTheBucketsAddUpToTheTotals() throws {
        let closed = Self.his(.wechatPay, .payment, "R1", "8.00", status: "closed")  // the demo's reversed barcode payment
        let (report, _) = try run(Self.ledger + [closed], [Self.statement])
        try report.checkTotals()
        let payments = try #require(report.totals.first { $0.channel == .wechatPay && $0.kind == .payment })
        #expect(payments.hisAmount == Self.yuan("312.70"))  // M1 H1 A1 N1 P1 C1 R1
        #expect(payments.hisBuckets.matched.amount == Self.yuan("135.70"))  // M1 P1 C1
        #expect(payments.hisBuckets.only.amount == Self.yuan("50.00") && payments.hisBuckets.amountMismatch.amount == Self.yuan("20.00"))
        #expect(payments.hisBuckets.carriedOver.amount == Self.yuan("99.00") && payments.hisBuckets.closed.amount == Self.yuan("8.00"))
        #expect(payments.channelBuckets.amountMismatch.amount == Self.yuan("21.00") && payments.channelBuckets.only.amount == Self.yuan("67.00"))
        #expect(payments.channelBuckets.duplicate == .init(count: 1, amount: Self.yuan("1.00")))
        let alipay = try #require(report.totals.first { $0.channel == .alipay && $0.kind == .payment })
        #expect(alipay.hisBuckets.duplicate.amount == Self.yuan("5.00") && alipay.hisBuckets.statusMismatch.amount == Self.yuan("8.00"))
        #expect(report.summary.closed == 1)
        #expect(report.otherRows.map { "\($0.kind) \($0.outTradeNo)" } == ["carriedOver N1", "closed R1"])
        #expect(!report.discrepancies.contains { $0.outTradeNo == "R1" })

        var broken = report
        broken.totals[0].hisBuckets.matched.amount = try broken.totals[0].hisBuckets.matched.amount.adding(Amount(fen: 1))
        #expect(throws: ReconciliationError.self) { try broken.checkTotals() }
        do { try broken.checkTotals() } catch { #expect(error.code == .totalsDoNotAddUp && error.reason.contains("buckets add up to")) }
    }

    /// Inpatient deposits by pre-authorisation: freezes and releases move no money. A HIS freeze
    /// or release no statement lists is recorded in the `authorization` bucket (not 短款); one the
    /// statement lists is matched like a payment by its own number; a freeze only the channel holds is
    /// a 长款 row telling the clerk to release the patient's funds; the capture is a payment; none of
    /// them is charted with the money, and every side still adds up.
    @Test func preAuthorisationRowsMoveNoMoneyAndAreReconciledApart() throws {
        let ledger = [
            Self.his(.alipay, .freeze, "DEP1", "3000.00"), Self.his(.alipay, .payment, "CAP1", "2468.50"),
            Self.his(.alipay, .release, "2026112200001", refund: "DEP1R", "531.50"),
            Self.his(.unionPay, .freeze, "DEP2", "2000.00"), Self.his(.unionPay, .release, "782611221000000000004", refund: "DEP2R", "2000.00"),
            Self.his(.unionPay, .freeze, "DEP4", "800.00", status: "failed"),
        ]
        let statement = [
            Self.bank(.alipay, .payment, "CAP1", "2468.50"),
            Self.bank(.unionPay, .freeze, "DEP2", "2000.00", fee: "0.00"), Self.bank(.unionPay, .release, "DEP2", refund: "DEP2R", "2000.00", fee: "0.00"),
            Self.bank(.unionPay, .freeze, "DEP3", "500.00", fee: "0.00"),
        ]
        let (report, _) = try Reconciler(date: "2026-11-22", language: .zh).run(
            ledger: LedgerRows(ledger), statements: [{ handle in for row in statement { try handle(row) } }])
        try report.checkTotals()
        #expect(report.summary.matched == 3 && report.summary.authorization == 2 && report.summary.channelOnly == 1 && report.summary.closed == 1)
        #expect(report.summary.hisOnly == 0)
        #expect(report.otherRows.filter { $0.kind == .authorization }.map { $0.outRefundNo ?? $0.outTradeNo } == ["DEP1", "DEP1R"])
        let held = try #require(report.discrepancies.first { $0.outTradeNo == "DEP3" })
        #expect(held.kind == .channelOnly && held.recordKind == .freeze && held.action.contains("撤销该预授权"))
        let freezes = try #require(report.totals.first { $0.channel == .alipay && $0.kind == .freeze })
        #expect(freezes.hisAmount == Self.yuan("3000.00") && freezes.hisBuckets.authorization.amount == Self.yuan("3000.00") && freezes.channelCount == 0)
        let unionFreezes = try #require(report.totals.first { $0.channel == .unionPay && $0.kind == .freeze })
        #expect(unionFreezes.hisBuckets.matched.amount == Self.yuan("2000.00") && unionFreezes.hisBuckets.closed.amount == Self.yuan("800.00"))
        #expect(unionFreezes.channelBuckets.only.amount == Self.yuan("500.00"))
        #expect(report.totals.first { $0.channel == .alipay && $0.kind == .payment }?.matchedAmount == Self.yuan("2468.50"))

        var written = report
        written.context = ReportContext(language: .zh)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hispay-preauth-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try ReportFiles.write(written, carryOver: CarryOver(date: "2026-11-22"), to: directory)
        let page = try String(contentsOf: directory.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(page.contains("预授权冻结") && page.contains("预授权未动账") && page.contains("data-field=\"buckets.alipay.freeze.his.authorization\">3000.00"))
        #expect(page.contains("unionpay 收款</text>") || page.contains("alipay 收款</text>"))
        #expect(!page.contains("预授权冻结</text>") && !page.contains("预授权撤销</text>"))  // not charted with the money
    }
}
