import Foundation
import HISPayCore
import Reconciliation
import Testing

/// What `ReportFiles` writes for people: times as `yyyy-MM-dd HH:mm:ss` Beijing time in JSON and CSV
/// (not Unix seconds), and carry-over files of either format read back.
@Suite struct ReportFilesTests {
    @Test func timesAreBeijingTextInJSONAndCSVAndOldCarryOverFilesStillRead() throws {
        let time = BeijingTime.parse("2026-11-22 23:58:30")!
        let ledger = [LedgerRecord(channel: .wechatPay, kind: .payment, outTradeNo: "H1", amount: Amount(fen: 5_000), time: BeijingTime.parse("2026-11-22 10:00:00")!),
                      LedgerRecord(channel: .wechatPay, kind: .payment, outTradeNo: "N1", amount: Amount(fen: 9_900), time: time)]
        let (report, carry) = try Reconciler(date: "2026-11-22").run(ledger: LedgerRows(ledger), statements: [])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hispay-report-\(UUID().uuidString)")
        try ReportFiles.write(report, carryOver: carry, to: directory)

        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("report.json"))) as? [String: Any])
        let rows = try #require(json["discrepancies"] as? [[String: Any]])
        #expect(rows.first?["time"] as? String == "2026-11-22 10:00:00")
        #expect((json["otherRows"] as? [[String: Any]])?.first?["time"] as? String == "2026-11-22 23:58:30")
        let csv = try String(contentsOf: directory.appendingPathComponent("discrepancies.csv"), encoding: .utf8)
        #expect(csv.contains(",2026-11-22 10:00:00,"))

        let written = try CarryOver.read(Data(contentsOf: directory.appendingPathComponent("carry-over.json")), path: "carry-over.json")
        #expect(written.ledger.map(\.time) == [time])
        let old = JSONEncoder()
        old.dateEncodingStrategy = .secondsSince1970
        #expect(try CarryOver.read(old.encode(carry), path: "old.json").ledger.map(\.time) == [time])
        #expect(throws: ReconciliationError.self) { try CarryOver.read(Data(#"{"date":"2026-11-22","ledger":[{"time":"yesterday"}],"statement":[]}"#.utf8), path: "bad.json") }
    }
}
