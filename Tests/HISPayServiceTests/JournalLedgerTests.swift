import Alipay
import Foundation
import HISPayCore
import HISPayCrypto
import HISPayService
import HISPayStore
import HISPayTestSupport
import HISPayTesting
import MedicalInsurance
import Reconciliation
import Testing
import UnionPay
import WeChatPay

/// The payment journal as a reconciliation ledger: a day's entries, refunds under their orders,
/// and only what took effect booked.
@Suite struct JournalLedgerTests {
    @Test func aDaysJournalReconcilesLikeALedger() async throws {
        let store = try await TestStores.open(.sqlite)
        let noon = BeijingTime.parse("2026-11-22 12:00:00")!
        try await store.save(JournalEntry(merchant: "main", channel: .wechatPay, orderNo: "REG1", operation: .pay, amount: Amount(fen: 1230), state: .succeeded, updatedAt: noon))
        try await store.save(JournalEntry(merchant: "main", channel: .wechatPay, orderNo: "REG2", operation: .pay, amount: Amount(fen: 800), state: .pending, updatedAt: noon))
        try await store.save(JournalEntry(
            merchant: "main", channel: .wechatPay, orderNo: "REG1R1", operation: .refund, amount: Amount(fen: 230), state: .succeeded, updatedAt: noon,
            parentOrderNo: "REG1"))
        try await store.save(JournalEntry(merchant: "main", channel: .wechatPay, orderNo: "OLD1", operation: .pay, amount: Amount(fen: 1), state: .succeeded, updatedAt: noon.addingTimeInterval(-86_400)))
        try await store.save(JournalEntry(merchant: "north", channel: .wechatPay, orderNo: "N1", operation: .pay, amount: Amount(fen: 1), state: .succeeded, updatedAt: noon))
        let ledger = try await JournalLedger.rows(store, merchant: "main", date: "2026-11-22")
        #expect(ledger.rows.map(\.outTradeNo).sorted() == ["REG1", "REG1", "REG2"])
        let refund = try #require(ledger.rows.first { $0.kind == .refund })
        #expect(refund.outTradeNo == "REG1" && refund.outRefundNo == "REG1R1" && refund.isBooked)
        #expect(ledger.rows.first { $0.outTradeNo == "REG2" }?.isBooked == false)

        let statement = [
            StatementRecord(channel: .wechatPay, kind: .payment, outTradeNo: "REG1", channelTradeNo: "T1", amount: Amount(fen: 1230), fee: .zero, time: noon, status: "SUCCESS"),
            StatementRecord(channel: .wechatPay, kind: .refund, outTradeNo: "REG1", channelTradeNo: "T1", outRefundNo: "REG1R1", amount: Amount(fen: 230), fee: .zero, time: noon, status: "REFUND"),
            StatementRecord(channel: .wechatPay, kind: .payment, outTradeNo: "REG2", channelTradeNo: "T2", amount: Amount(fen: 800), fee: .zero, time: noon, status: "SUCCESS"),
        ]
        let (report, _) = try Reconciler(date: "2026-11-22").run(ledger: ledger, statements: [{ handle in for row in statement { try handle(row) } }])
        #expect(report.summary.matched == 2 && report.summary.statusMismatch == 1)  // the journal still has REG2 pending
        try await store.close()
    }

    /// An inpatient deposit through the journal: the freeze (closed by its release), the capture (a
    /// payment), the release (closed by its notice) are ledger rows of their own kinds; a freeze the
    /// channel refused is not booked; closes and reverses are not rows.
    @Test func preAuthorisationsAreLedgerRowsOfTheirOwnKinds() async throws {
        let store = try await TestStores.open(.sqlite)
        let noon = BeijingTime.parse("2026-11-22 12:00:00")!
        for entry in [
            JournalEntry(merchant: "main", channel: .unionPay, orderNo: "DEP1", operation: .freeze, amount: Amount(fen: 300_000), state: .closed, updatedAt: noon),
            JournalEntry(
                merchant: "main", channel: .unionPay, orderNo: "CAP1", operation: .capture, amount: Amount(fen: 246_850), state: .succeeded, updatedAt: noon,
                parentOrderNo: "782611221000000000001"),
            JournalEntry(
                merchant: "main", channel: .unionPay, orderNo: "DEP1R", operation: .release, amount: Amount(fen: 53_150), state: .closed, updatedAt: noon,
                parentOrderNo: "782611221000000000001"),
            JournalEntry(merchant: "main", channel: .unionPay, orderNo: "DEP2", operation: .freeze, amount: Amount(fen: 1_000), state: .failed, updatedAt: noon),
            JournalEntry(merchant: "main", channel: .unionPay, orderNo: "DEP2#close", operation: .close, amount: .zero, state: .succeeded, updatedAt: noon, parentOrderNo: "DEP2"),
        ] { try await store.save(entry) }
        let rows = try await JournalLedger.rows(store, merchant: "main", date: "2026-11-22").rows.sorted { $0.outTradeNo < $1.outTradeNo }
        #expect(rows.map { "\($0.kind) \($0.outRefundNo ?? $0.outTradeNo) \($0.isBooked)" } == [
            "release DEP1R true", "payment CAP1 true", "freeze DEP1 true", "freeze DEP2 false",
        ])
        try await store.close()
    }
}

/// The registry gives reconciliation what only the channels know: the command-line names a ledger's
/// `channel` column may use, and the insurance channel's advice for an unmatched settlement leg.
@Suite struct RegistryReconciliationTests {
    @Test func theLedgerMayNameChannelsAsTheCommandLineDoesAndInsuranceLegsGetTheirOwnAdvice() throws {
        let registry = ChannelRegistry.standard
        #expect(registry.channelsByName["wechatpay-v2"] == .wechatPayV2 && registry.channelsByName["unionpay"] == .unionPay)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hispay-ledger-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("ledger.csv")
        try Data("channel,kind,out_trade_no,amount,time,settlement_id\nwechatpay-v2,payment,V2-1,1.00,2026-11-22 10:00:00,\ninsurance,payment,SETL9,8.00,2026-11-22 10:00:00,SETL9\n".utf8).write(to: file)
        var rows: [LedgerRecord] = []
        try LedgerCSV(url: file, channels: registry.channelsByName).forEach { rows.append($0) }
        #expect(rows.map(\.channel) == [.wechatPayV2, .insurance])
        let (report, _) = try registry.reconciler(date: "2026-11-22", cutOff: 0).run(ledger: LedgerRows(rows), statements: [])
        let leg = try #require(report.discrepancies.first { $0.outTradeNo == "SETL9" })
        #expect(leg.kind == .hisOnly && leg.action.contains("5261"))
        #expect(report.discrepancies.first { $0.outTradeNo == "V2-1" }?.action.hasPrefix("query the channel") == true)
    }
}
