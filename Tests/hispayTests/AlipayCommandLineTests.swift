import Alipay
import Foundation
import HISPayCore
import HISPayTestSupport
import Testing

/// The Alipay CLI contract: `sign --channel alipay`, `notify verify --channel alipay`, `bill parse --channel alipay`.
@Suite(.serialized) struct AlipayCommandLineTests {
    let directory: URL
    let config: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hispay-alipay-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(Fixtures.vector("alipay-request-sign-rsa2")["inputs"]["app_private_key_pkcs1_pem"].string.utf8)
            .write(to: directory.appendingPathComponent("app_private_key.pem"))
        try Data(Fixtures.vector("alipay-notify-verify")["vectors"][0]["inputs"]["alipay_public_key_base64_spki"].string.utf8)
            .write(to: directory.appendingPathComponent("alipay_public_key.txt"))
        config = directory.appendingPathComponent("hispay.json")
        try Data("""
            {"merchants": [{"name": "main-campus",
              "alipay": {"appId": "2019073166072302", "privateKey": "app_private_key.pem", "alipayPublicKey": "alipay_public_key.txt"}}]}
            """.utf8).write(to: config)
    }

    private func run(_ arguments: [String]) throws -> CommandLineRun { try CommandLineRun(arguments + ["--config", config.path]) }

    private func write(_ data: Data, _ name: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try data.write(to: url)
        return url.path
    }

    private func json(_ run: CommandLineRun) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stderr)")
    }

    @Test func signReproducesThePublishedRSA2Signature() throws {
        let vector = try Fixtures.vector("alipay-request-sign-rsa2")
        var params = vector["inputs"]["params"].stringDictionary
        params["biz_content"] = nil
        var object: [String: Any] = params
        object["biz_content"] = ["out_trade_no": "1703141270"]  // an object is signed as its compact JSON
        let file = try write(try JSONSerialization.data(withJSONObject: object), "params.json")
        let result = try run(["sign", "--channel", "alipay", "--params", file])
        #expect(result.status == 0, "\(result.stderr)")
        let output = try json(result)
        #expect(output["stringToSign"] as? String == vector["expected"]["sign_content"].string)
        #expect(output["signature"] as? String == vector["expected"]["sign"].string)
    }

    @Test func notifyVerifyAcceptsTheRealNotificationAndRefusesATamperedOne() throws {
        var fields = try Fixtures.vector("alipay-notify-verify")["vectors"][0]["inputs"]["params"].stringDictionary
        fields["fund_bill_list"] = #"[{"amount":"0.10","fundChannel":"ALIPAYACCOUNT"}]"#
        let body = try write(Data(AlipayForm.encode(fields).utf8), "notify.txt")
        let result = try run(["notify", "verify", "--channel", "alipay", "--body", body])
        #expect(result.status == 0, "\(result.stderr)")
        let output = try json(result)
        #expect(output["kind"] as? String == "payment")
        #expect(output["amount"] as? Int == 10)
        #expect(output["state"] as? String == "TRADE_SUCCESS")
        #expect(output["time"] as? String == "2019-08-15T15:56:24+08:00")
        #expect((output["ack"] as? [String: Any])?["status"] as? Int == 200)
        #expect((output["ack"] as? [String: Any])?["body"] as? String == "success")

        fields["total_amount"] = "1000.00"
        let tampered = try run(["notify", "verify", "--channel", "alipay", "--body", try write(Data(AlipayForm.encode(fields).utf8), "tampered.txt")])
        #expect(tampered.status != 0)
        #expect(tampered.stderr.split(separator: "\n").count == 1)
        #expect(tampered.stderr.contains("does not verify"))
    }

    @Test func billParseSummarizesTheArchive() throws {
        let detail = try Fixtures.vector("alipay-bill-trade-detail-sample")["inputs"]["detail_csv_lines_utf8"].array.map(\.string)
        let file = try write(try AlipayBillArchive.make(detail: detail, summary: nil), "bill.csv.zip")
        let summary = try json(try run(["bill", "parse", "--channel", "alipay", file, "--summary"]))
        #expect(summary["count"] as? Int == 10)
        #expect(summary["paymentAmount"] as? Int == 6)
        #expect(summary["refundAmount"] as? Int == 4)
        let records = try run(["bill", "parse", "--channel", "alipay", file])
        #expect(records.stdout.split(separator: "\n").count == 10)
        let broken = try run(["bill", "parse", "--channel", "alipay", try write(Data("not a zip".utf8), "broken.zip")])
        #expect(broken.status != 0)
        #expect(broken.stderr.contains("zip"))
    }
}
