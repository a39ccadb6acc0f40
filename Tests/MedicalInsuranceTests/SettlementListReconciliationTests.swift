import Foundation
import HISPayCore
import HISPayTestSupport
import MedicalInsurance
import Testing

/// The NHSA side of reconciliation: HISPay's 3202 settlement list read back as statement rows, and a
/// combined settlement whose insurance leg is missing from it reported by `hispay reconcile`.
@Suite struct SettlementListReconciliationTests {
    static let noon = BeijingTime.parse("2026-11-22 12:00:00")!

    static func settlement(_ id: String, total: Int64, fund: Int64, account: Int64, cash: Int64) -> SettlementResult {
        SettlementResult(
            settlementID: id, visitID: "V-\(id)", total: Amount(fen: total), fundPay: Amount(fen: fund), personalPart: Amount(fen: total - fund),
            accountPay: Amount(fen: account), cashPay: Amount(fen: cash))
    }

    @Test func aWrittenListReadsBackAsTheInsuranceParts() throws {
        let list = try TabSeparatedReconciliationFile().file(for: [
            Self.settlement("SETL1", total: 12_340, fund: 7000, account: 3000, cash: 2340),
            Self.settlement("SETL0", total: -12_340, fund: -7000, account: -3000, cash: -2340),
        ])
        let records = try TabSeparatedReconciliationFile.statementRecords(list.contents, time: Self.noon)
        #expect(records.map(\.outTradeNo) == ["SETL1", "SETL0"])
        #expect(records.map(\.kind) == [.payment, .refund])
        #expect(records.map(\.amount) == [Amount(fen: 10_000), Amount(fen: 10_000)])
        let error = #expect(throws: ChannelError.self) { try TabSeparatedReconciliationFile.statementRecords(Data("SETL9\tV\t1.00\tx\n".utf8), time: Self.noon) }
        #expect(error?.reason.contains("line 1") == true)
    }

    @Test func aCombinedSettlementMissingItsInsuranceLegIsReported() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hispay-reconcile-nhsa-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let list = directory.appendingPathComponent("hispay-3202.txt")
        try TabSeparatedReconciliationFile().file(for: [Self.settlement("SETL1", total: 12_340, fund: 7000, account: 3000, cash: 2340)]).contents.write(to: list)
        let ledger = directory.appendingPathComponent("ledger.csv")
        try Data("""
            channel,kind,out_trade_no,out_refund_no,amount,time,settlement_id,status
            insurance,payment,SETL1,,100.00,2026-11-22 10:00:00,SETL1,success
            insurance,payment,SETL2,,80.00,2026-11-22 11:00:00,SETL2,success

            """.utf8).write(to: ledger)
        let out = directory.appendingPathComponent("out")
        let run = try CommandLineRun(["reconcile", "--date", "2026-11-22", "--ledger", ledger.path, "--statement", "insurance=\(list.path)", "--out", out.path])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("report.json"))) as? [String: Any])
        #expect((report["summary"] as? [String: Int])?["matched"] == 1)
        let discrepancies = try #require(report["discrepancies"] as? [[String: Any]])
        #expect(discrepancies.count == 1)
        #expect(discrepancies.first?["kind"] as? String == "hisOnly" && discrepancies.first?["settlementID"] as? String == "SETL2")
        #expect((discrepancies.first?["action"] as? String)?.contains("5261") == true)
    }
}
