import Foundation
import HISPayCore
import HISPayTestSupport
import Testing
import UnionPay

/// The UnionPay CLI contract: `sign`, `notify verify` and `bill parse` with `--channel unionpay`.
@Suite(.serialized) struct UnionPayCommandLineTests {
    let directory: URL
    let config: URL
    let keys: UnionPayTestKeys

    init() throws {
        keys = try UnionPayTestKeys()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hispay-unionpay-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        config = directory.appendingPathComponent("hispay.json")
        try Data("""
            {"merchants": [{"name": "main-campus",
              "unionpay": {"merId": "777290058167151", "signCertificate": "\(Fixtures.url("certs/unionpay-acp-test/acp_test_sign.pfx").path)",
                           "signCertificatePassword": "env:HISPAY_TEST_PFX", "rootCertificate": "\(Fixtures.url("unionpay/root.pem").path)",
                           "middleCertificate": "\(Fixtures.url("unionpay/middle.pem").path)", "backURL": "https://his.example/notify/unionpay"}}]}
            """.utf8).write(to: config)
    }

    private func run(_ arguments: [String]) throws -> CommandLineRun {
        let result = try CommandLineRun(arguments + ["--config", config.path], environment: ["HISPAY_TEST_PFX": "000000"])
        #expect(!result.stdout.contains("000000\"") && !result.stderr.contains("password"))
        return result
    }

    private func write(_ data: Data, _ name: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try data.write(to: url)
        return url.path
    }

    @Test func signReproducesThePublishedConsumeSignature() throws {
        let vector = try Fixtures.vector("unionpay-acp-510-sign-consume-request")
        var params = vector["inputs"]["params"].stringDictionary
        params["certId"] = nil
        let file = try write(try JSONSerialization.data(withJSONObject: params), "params.json")
        let result = try run(["sign", "--channel", "unionpay", "--params", file, "--now", "2026-11-22T10:00:00+08:00"])
        #expect(result.status == 0, "\(result.stderr)")
        let output = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(output["signature"] as? String == vector["expected"]["signature"].string)
        #expect(output["certId"] as? String == "69903319369")
        #expect(output["stringToSign"] as? String == vector["expected"]["string_to_sign"].string)

        let expired = try run(["sign", "--channel", "unionpay", "--params", file, "--now", "2027-01-15T10:00:00+08:00"])
        #expect(expired.status != 0)
        #expect(expired.stderr.split(separator: "\n").count == 1)
        #expect(expired.stderr.contains("cannot sign now"))
    }

    @Test func notifyVerifyReportsThePaymentOrRefuses() throws {
        let fields = try keys.signedByUnionPay([
            "merId": "777290058167151", "orderId": "REG20261122001", "queryId": "782611221000001234567", "txnType": "01", "txnSubType": "06",
            "txnAmt": "1230", "respCode": "00", "respMsg": "success", "txnTime": "20261122095930", "settleDate": "1122",
        ])
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let text = fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&")
        let body = try write(Data(text.utf8), "notify.txt")
        let result = try run(["notify", "verify", "--channel", "unionpay", "--body", body, "--now", "2026-11-22T10:00:00+08:00"])
        #expect(result.status == 0, "\(result.stderr)")
        let output = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(output["kind"] as? String == "payment")
        #expect(output["channelTradeNo"] as? String == "782611221000001234567")
        #expect(output["amount"] as? Int == 1230)
        #expect(output["state"] as? String == "00")
        #expect((output["ack"] as? [String: Any])?["status"] as? Int == 200)

        let expired = try run(["notify", "verify", "--channel", "unionpay", "--body", body, "--now", "2040-01-01T00:00:00+08:00"])
        #expect(expired.status != 0)
        #expect(expired.stderr.contains("signPubKeyCert"))
        let tampered = try run(["notify", "verify", "--channel", "unionpay", "--body", try write(Data(text.replacingOccurrences(of: "txnAmt=1230", with: "txnAmt=1").utf8), "t.txt"), "--now", "2026-11-22T10:00:00+08:00"])
        #expect(tampered.status != 0)
        #expect(tampered.stderr.contains("does not verify"))
    }

    @Test func billParseReadsAZMFile() throws {
        let file = try write(Data((UnionPayZMLines.payment + "\r\n" + UnionPayZMLines.refund + "\r\n").utf8), "INN26112288ZM_777290058167151")
        let summary = try run(["bill", "parse", "--channel", "unionpay", file, "--summary"])
        #expect(summary.status == 0, "\(summary.stderr)")
        let output = try #require(try JSONSerialization.jsonObject(with: Data(summary.stdout.utf8)) as? [String: Any])
        #expect(output["count"] as? Int == 2)
        #expect(output["paymentAmount"] as? Int == 1230)
        #expect(output["refundAmount"] as? Int == 500)
        let short = try run(["bill", "parse", "--channel", "unionpay", try write(Data(UnionPayZMLines.payment.prefix(100).utf8), "INN26112288ZM_1")])
        #expect(short.status != 0)
        #expect(short.stderr.contains("ZM line 1"))
    }
}
