import Foundation
import HISPayCore
import HISPayTestSupport
import Testing
import WeChatPay

/// `hispay reconcile` on the published WeChat Pay trade bill against a ledger made from it with
/// planted differences: one payment the HIS lacks, one amount changed, one HIS-only row.
@Suite struct ReconcileCommandLineTests {
    @Test func aPlantedDayIsReportedInEveryFile() throws {
        let sample = Data(try Fixtures.vector("wechat-bill-trade-all-sample")["inputs"]["file_utf8"].string.utf8)
        let (records, _) = try WeChatPayBillParser.parse(sample)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hispay-reconcile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let bill = directory.appendingPathComponent("wechat.csv")
        try sample.write(to: bill)

        var lines = ["channel,kind,out_trade_no,out_refund_no,amount,time,settlement_id,status"]
        let payments = records.filter { $0.kind == .payment }
        for record in records where record.outTradeNo != payments[0].outTradeNo || record.kind != .payment {
            let amount = record.kind == .payment && record.outTradeNo == payments[1].outTradeNo ? record.amount.fen + 100 : record.amount.fen
            lines.append("wechatpay,\(record.kind),\(record.outTradeNo),\(record.outRefundNo ?? ""),\(Amount(fen: amount).yuanString),\(BeijingTime.format(record.time)),,success")
        }
        lines.append("wechatpay,payment,HISONLY1,,9.99,2019-02-19 10:00:00,,success")
        let ledger = directory.appendingPathComponent("ledger.csv")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: ledger)
        let out = directory.appendingPathComponent("out")

        let run = try CommandLineRun([
            "reconcile", "--date", "2019-02-19", "--ledger", ledger.path, "--statement", "wechatpay=\(bill.path)", "--out", out.path,
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("report.json"))) as? [String: Any])
        let summary = try #require(report["summary"] as? [String: Int])
        #expect(summary["channelOnly"] == 1 && summary["amountMismatch"] == 1 && summary["hisOnly"] == 1)
        #expect(summary["matched"] == records.count - 2)
        let csv = try Data(contentsOf: out.appendingPathComponent("discrepancies.csv"))
        #expect(csv.starts(with: [0xEF, 0xBB, 0xBF]))
        #expect(String(decoding: csv, as: UTF8.self).split(separator: "\r\n").count == 4)
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains(#"data-field="summary.matched">\#(records.count - 2)<"#))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("carry-over.json").path))

        let refused = try CommandLineRun(["reconcile", "--date", "2019-02-19", "--ledger", "/nonexistent.csv", "--statement", "wechatpay=\(bill.path)", "--out", out.path])
        #expect(refused.status != 0 && refused.stderr.contains("cannot read the ledger"), "\(refused.stderr)")
    }
}
