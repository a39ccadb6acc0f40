import Foundation
import HISPayCore
import HISPayCrypto
import HISPayTestSupport
import Testing
import WeChatPay

/// `hispay reconcile` on the published WeChat Pay trade bill against a ledger made from it with
/// planted differences: one payment the HIS lacks, one amount changed, one HIS-only row.
@Suite struct ReconcileCommandLineTests {
    /// The published bill, and a ledger made from it with the three planted differences.
    static func plantedDay() throws -> (directory: URL, bill: URL, ledger: URL, records: [StatementRecord]) {
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
        return (directory, bill, ledger, records)
    }

    @Test func aPlantedDayIsReportedInEveryFile() throws {
        let (directory, bill, ledger, records) = try Self.plantedDay()
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

    /// The finance office's report: Chinese by default (notes, actions, the page), English with
    /// `--lang en`; it says when it was made and from which files, each with its rows and SHA-256.
    @Test func theReportIsInChineseByDefaultAndNamesItsInputs() throws {
        let (directory, bill, ledger, records) = try Self.plantedDay()
        for (language, out) in [("zh", directory.appendingPathComponent("zh")), ("en", directory.appendingPathComponent("en"))] {
            var arguments = ["reconcile", "--date", "2019-02-19", "--ledger", ledger.path, "--statement", "wechatpay=\(bill.path)", "--out", out.path]
            if language == "en" { arguments += ["--lang", "en"] }
            // A profile names the campus and its accounts; no key is loaded for a report.
            let config = directory.appendingPathComponent("hispay.json")
            try Data(#"{"merchants": [{"name": "north-campus", "wechatpay": {"mchId": "1900000001"}, "alipay": {"appId": "2021000000000001"}}]}"#.utf8).write(to: config)
            arguments += ["--config", config.path]
            let run = try CommandLineRun(arguments)
            #expect(run.status == 0, "\(run.stderr)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("report.json"))) as? [String: Any])
            let hisOnly = try #require((report["discrepancies"] as? [[String: Any]])?.first { $0["kind"] as? String == "hisOnly" })
            let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
            let csv = String(decoding: try Data(contentsOf: out.appendingPathComponent("discrepancies.csv")), as: UTF8.self)
            if language == "zh" {
                #expect((hisOnly["note"] as? String)?.contains("短款") == true && (hisOnly["action"] as? String)?.contains("撤销 HIS 记账") == true)
                #expect(html.contains("<h1>对账报告") && html.contains("微信支付") && html.contains("短款（HIS 有渠道无）") && html.contains("已对平"))
                #expect(csv.contains("到渠道查询"))
            } else {
                #expect((hisOnly["action"] as? String)?.hasPrefix("query the channel") == true)
                #expect(html.contains("<h1>Reconciliation report") && html.contains("WeChat Pay") && !html.contains("短款"))
            }
            #expect((hisOnly["time"] as? String) == "2019-02-19 10:00:00")
            let context = try #require(report["context"] as? [String: Any])
            #expect(context["language"] as? String == language)
            #expect(context["merchant"] as? String == "north-campus")
            #expect(context["accounts"] as? [String: String] == ["wechatpay": "1900000001", "alipay": "2021000000000001"])
            #expect(html.contains("north-campus") && html.contains("1900000001"))
            #expect((context["generatedAt"] as? String)?.count == 19)
            let inputs = try #require(context["inputs"] as? [[String: Any]])
            #expect(inputs.map { $0["role"] as? String } == ["ledger", "statement:wechatpay"])
            #expect(inputs[1]["rows"] as? Int == records.count && inputs[0]["rows"] as? Int == records.count)
            #expect(inputs[1]["sha256"] as? String == Hex.encode(try DigestAlgorithm.sha256.hash(Data(contentsOf: bill))))
            #expect(html.contains(inputs[0]["sha256"] as? String ?? "-"))
        }
    }
}
