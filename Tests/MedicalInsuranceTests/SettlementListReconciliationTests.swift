import Foundation
import HISPayCore
import HISPayTestSupport
import MedicalInsurance
import Testing

/// The NHSA side of reconciliation: HISPay's 3202 settlement list (the national columns, with
/// `psn_no`) read back, and `hispay reconcile` checking the HIS against the platform's 3202 *result*
/// file — a settlement missing from it, and one whose amounts agree but the platform disputes.
@Suite struct SettlementListReconciliationTests {
    static let noon = BeijingTime.parse("2026-11-22 12:00:00")!

    static func settlement(_ id: String, total: Int64, fund: Int64, account: Int64, cash: Int64) -> SettlementResult {
        SettlementResult(
            settlementID: id, visitID: "V-\(id)", total: Amount(fen: total), fundPay: Amount(fen: fund), personalPart: Amount(fen: total - fund),
            accountPay: Amount(fen: account), cashPay: Amount(fen: cash))
    }

    @Test func theListCarriesPersonNumbersInTheNationalColumns() throws {
        var settlement = Self.settlement("SETL1", total: 12_340, fund: 7000, account: 3000, cash: 2340)
        settlement.personID = "44000000000000000001"
        let list = try TabSeparatedReconciliationFile().file(for: [settlement])
        #expect(String(decoding: list.contents, as: UTF8.self) == "SETL1\tV-SETL1\t44000000000000000001\t123.40\t70.00\t30.00\t0\n")
    }

    /// The platform's result file read as statement rows: the insurance part (fund + account), an
    /// undo as a refund of the same size; a malformed line is named.
    @Test func theResultFileReadsAsTheInsuranceParts() throws {
        let file = Data("""
            P1\tV-SETL1\tSETL1\tMSG1\t0\t0\t一致\t123.40\t70.00\t30.00
            P1\tV-SETL1\tSETL1\tMSG2\t000000\t1\t一致\t-123.40\t-70.00\t-30.00

            """.utf8)
        let records = try DetailReconciliationResult(file: file).statementRecords(time: Self.noon)
        #expect(records.map(\.outTradeNo) == ["SETL1", "SETL1"])
        #expect(records.map(\.kind) == [.payment, .refund])
        #expect(records.map(\.amount) == [Amount(fen: 10_000), Amount(fen: 10_000)])
        #expect(records.allSatisfy { $0.dispute == nil })
        let short = #expect(throws: ChannelError.self) { try DetailReconciliationResult(file: Data("SETL9\tV\t1.00\tx\n".utf8)) }
        #expect(short?.reason.contains("line 1") == true)
        let notAmount = #expect(throws: ChannelError.self) { try DetailReconciliationResult(file: Data("P\tV\tS\tM\t0\t0\t-\t1.00\tx\t0\n".utf8)) }
        #expect(notAmount?.reason.contains("fund_pay_sumamt is not an amount") == true)
    }

    @Test func aCombinedSettlementMissingItsInsuranceLegIsReported() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hispay-reconcile-nhsa-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // The platform's result (9102): SETL1 agreed, SETL3 amounts the same as the HIS's but disputed.
        let list = directory.appendingPathComponent("stmt_result.txt")
        try Data("""
            44000000000000000001\tV-SETL1\tSETL1\tMSG1\t0\t0\t一致\t123.40\t70.00\t30.00
            44000000000000000003\tV-SETL3\tSETL3\tMSG3\t1\t0\t结算状态不符\t50.00\t30.00\t10.00

            """.utf8).write(to: list)
        let ledger = directory.appendingPathComponent("ledger.csv")
        try Data("""
            channel,kind,out_trade_no,out_refund_no,amount,time,settlement_id,status
            insurance,payment,SETL1,,100.00,2026-11-22 10:00:00,SETL1,success
            insurance,payment,SETL2,,80.00,2026-11-22 11:00:00,SETL2,success
            insurance,payment,SETL3,,40.00,2026-11-22 11:30:00,SETL3,success

            """.utf8).write(to: ledger)
        let out = directory.appendingPathComponent("out")
        let run = try CommandLineRun(["reconcile", "--date", "2026-11-22", "--ledger", ledger.path, "--statement", "insurance=\(list.path)", "--out", out.path])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("report.json"))) as? [String: Any])
        #expect((report["summary"] as? [String: Int])?["matched"] == 1)
        let discrepancies = try #require(report["discrepancies"] as? [[String: Any]])
        #expect(discrepancies.count == 2)
        let missing = discrepancies.first { $0["kind"] as? String == "hisOnly" }
        #expect(missing?["settlementID"] as? String == "SETL2" && (missing?["action"] as? String)?.contains("5261") == true)
        let disputed = discrepancies.first { $0["kind"] as? String == "statusMismatch" }
        #expect(disputed?["outTradeNo"] as? String == "SETL3" && (disputed?["note"] as? String)?.contains("结算状态不符") == true)
    }
}
