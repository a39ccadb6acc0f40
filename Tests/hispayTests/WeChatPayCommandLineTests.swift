import Foundation
import HISPayCore
import HISPayCrypto
import HISPayTestSupport
import Testing
import WeChatPay

/// The WeChat Pay CLI contract: `sign`, `notify verify`, `bill parse`.
@Suite(.serialized) struct WeChatPayCommandLineTests {
    let keys: WeChatPayTestKeys
    let directory: URL
    let config: URL

    init() throws {
        keys = try WeChatPayTestKeys()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hispay-wechat-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let header = try Fixtures.vector("wechat-v3-authorization-header")["vectors"][1]["inputs"]
        try Data(header["merchant_private_key_pkcs8_pem"].string.utf8).write(to: directory.appendingPathComponent("apiclient_key.pem"))
        try Data(keys.platformCertificate.pemRepresentation.utf8)
            .write(to: directory.appendingPathComponent("platform.pem"))
        config = directory.appendingPathComponent("hispay.json")
        try Data("""
            {"merchants": [{"name": "main-campus",
              "wechatpay": {"mchId": "\(keys.merchantID)", "appId": "wx2421b1c4370ec43b", "merchantSerialNo": "\(header["serial_no"].string)",
                            "privateKey": "apiclient_key.pem", "apiV3Key": "env:HISPAY_TEST_APIV3", "platformCertificates": ["platform.pem"]},
              "wechatpayV2": {"mchId": "10000100", "apiKey": "env:HISPAY_TEST_V2KEY", "signType": "MD5"}}]}
            """.utf8).write(to: config)
    }

    let environment = ["HISPAY_TEST_APIV3": "a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb", "HISPAY_TEST_V2KEY": "192006250b4c09247ec02edce69f6a2d"]

    private func run(_ arguments: [String]) throws -> CommandLineRun {
        let run = try CommandLineRun(arguments + ["--config", config.path], environment: environment)
        for secret in environment.values { #expect(!run.stdout.contains(secret) && !run.stderr.contains(secret), "a secret was printed") }
        return run
    }

    private func json(_ run: CommandLineRun) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stderr)")
    }

    private func write(_ data: Data, _ name: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try data.write(to: url)
        return url.path
    }

    @Test func signV3ReproducesThePublishedAuthorizationHeader() throws {
        let vector = try Fixtures.vector("wechat-v3-authorization-header")["vectors"][1]
        let body = try write(Data(vector["inputs"]["body"].string.utf8), "body.json")
        let result = try run([
            "sign", "--channel", "wechatpay", "--method", "POST", "--url", "/v3/pay/transactions/h5", "--body", body,
            "--timestamp", "1626493236", "--nonce", "QqtzdVzxavZeXag9G5mtfzbfzFMf89p6",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let output = try json(result)
        // The vector was signed under mchid 1600314069; only the mchid differs in our profile.
        let expected = vector["expected"]["authorization"].string.replacingOccurrences(of: "mchid=\"1600314069\"", with: "mchid=\"\(keys.merchantID)\"")
        #expect(output["authorization"] as? String == expected)
        #expect(output["stringToSign"] as? String == vector["expected"]["signed_message"].string)
    }

    @Test func signV2MatchesTheOfficialExampleAndMasksTheKey() throws {
        let params = try write(Data(#"{"appid":"wxd930ea5d5a258f4f","mch_id":"10000100","device_info":"1000","body":"test","nonce_str":"ibuaiVcKdpRxkhJA"}"#.utf8), "params.json")
        let result = try run(["sign", "--channel", "wechatpay-v2", "--params", params])
        #expect(result.status == 0, "\(result.stderr)")
        let output = try json(result)
        #expect(output["signature"] as? String == "9A0A8659F005D6984697E2CA0A9CF3B7")
        #expect(output["stringToSign"] as? String == "appid=wxd930ea5d5a258f4f&body=test&device_info=1000&mch_id=10000100&nonce_str=ibuaiVcKdpRxkhJA&key=<API_KEY>")
    }

    private func headerArguments(_ request: CallbackRequest) -> [String] {
        request.headers.fields.flatMap { ["--header", "\($0.name): \($0.value)"] }
    }

    @Test func notifyVerifyPrintsTheEventAndTheAcknowledgement() throws {
        let request = try keys.notification(resource: keys.transactionResource())
        let body = try write(request.body, "notify.json")
        let result = try run(["notify", "verify", "--channel", "wechatpay", "--body", body, "--now", "2026-11-22T10:01:00+08:00"] + headerArguments(request))
        #expect(result.status == 0, "\(result.stderr)")
        let output = try json(result)
        #expect(output["channel"] as? String == "wechatpay")
        #expect(output["kind"] as? String == "payment")
        #expect(output["outTradeNo"] as? String == "REG20261122001")
        #expect(output["channelTradeNo"] as? String == "4200002026112212345678")
        #expect(output["amount"] as? Int == 1230)
        #expect(output["state"] as? String == "SUCCESS")
        #expect(output["time"] as? String == "2026-11-22T09:59:30+08:00")
        #expect((output["ack"] as? [String: Any])?["status"] as? Int == 204)
        #expect((output["ack"] as? [String: Any])?["body"] as? String == "")
    }

    @Test func notifyVerifyRefusesWithOneLineReasons() throws {
        let request = try keys.notification(resource: keys.transactionResource())
        let tampered = try write(Data(String(decoding: request.body, as: UTF8.self).replacingOccurrences(of: "EV-", with: "EX-").utf8), "tampered.json")
        let body = try write(request.body, "notify.json")
        let cases: [([String], String)] = [
            (["--body", tampered, "--now", "2026-11-22T10:01:00+08:00"] + headerArguments(request), "does not verify"),
            (["--body", body, "--now", "2026-11-22T10:06:00+08:00"] + headerArguments(request), "from now"),
            (["--body", body, "--now", "2026-11-22T10:01:00+08:00"] + headerArguments(request).map { $0.replacingOccurrences(of: "Wechatpay-Signature: ", with: "Wechatpay-Signature: WECHATPAY/SIGNTEST/") }, "probe"),
            (["--body", body, "--now", "2026-11-22T10:01:00+08:00"] + headerArguments(request).map { $0.replacingOccurrences(of: "Wechatpay-Serial: F5765756002FDD77", with: "Wechatpay-Serial: 0BADSERIAL") }, "0BADSERIAL"),
            (["--body", try write(Data("{".utf8), "bad.json"), "--now", "2026-11-22T10:01:00+08:00"] + headerArguments(request), "does not verify"),
        ]
        for (arguments, reason) in cases {
            let result = try run(["notify", "verify", "--channel", "wechatpay"] + arguments)
            #expect(result.status != 0)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            #expect(result.stderr.contains(reason), "\(result.stderr)")
        }
    }

    @Test func notifyVerifyBatchReportsEveryStoredCallback() throws {
        func line(_ request: CallbackRequest, channel: String = "wechatpay") throws -> String {
            let object: [String: Any] = [
                "channel": channel, "headers": Dictionary(uniqueKeysWithValues: request.headers.fields.map { ($0.name, $0.value) }),
                "body": String(decoding: request.body, as: UTF8.self),
            ]
            return String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        }
        let first = try keys.notification(resource: keys.transactionResource(outTradeNo: "REG1"), id: "EV-1")
        let second = try keys.notification(resource: keys.transactionResource(outTradeNo: "REG2"), id: "EV-2")
        var tampered = second
        tampered.body = Data(String(decoding: second.body, as: UTF8.self).replacingOccurrences(of: "EV-2", with: "EV-3").utf8)
        let file = try write(Data([try line(first), try line(second), try line(tampered), "not json", try line(first, channel: "nochannel")].joined(separator: "\n").utf8), "backlog.jsonl")
        let result = try run(["notify", "verify", "--channel", "wechatpay", "--batch", file, "--now", "2026-11-22T10:01:00+08:00"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = try result.stdout.split(separator: "\n").map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(lines.map { $0["ok"] as? Bool } == [true, true, false, false, false])
        #expect(lines.map { $0["line"] as? Int } == [1, 2, 3, 4, 5])
        #expect((lines[1]["result"] as? [String: Any])?["outTradeNo"] as? String == "REG2")
        #expect((lines[2]["error"] as? String)?.contains("does not verify") == true)
        #expect((lines[4]["error"] as? String)?.contains("unknown channel") == true)
    }

    /// A v2 payment notification body signed with the test profile's API key.
    func v2PaymentNotification() throws -> Data {
        var fields = [
            "appid": "wx2421b1c4370ec43b", "mch_id": "10000100", "nonce_str": "5d2b6c2a8db53831f7eda20af46e531c",
            "out_trade_no": "REG20261122001", "result_code": "SUCCESS", "return_code": "SUCCESS", "time_end": "20261122095930",
            "total_fee": "1230", "trade_type": "NATIVE", "transaction_id": "4200002026112212345678",
        ]
        fields["sign"] = try WeChatPayV2Signer(apiKey: environment["HISPAY_TEST_V2KEY"]!).sign(fields)
        return WeChatPayV2XML.build(fields)
    }

    @Test func notifyVerifyBatchTakesTensOfThousandsOfLines() throws {
        // The process crashed (stack overflow) after ~13,800 lines of one channel: found by the
        // gateway's fault-test inputs. 20,000 lines of one v2 notification must all verify.
        let line = String(decoding: try JSONSerialization.data(withJSONObject: ["body": String(decoding: try v2PaymentNotification(), as: UTF8.self)]), as: UTF8.self)
        let file = try write(Data(Array(repeating: line, count: 20_000).joined(separator: "\n").utf8), "long.jsonl")
        let result = try run(["notify", "verify", "--channel", "wechatpay-v2", "--batch", file])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 20_000)
        #expect(lines.last?.contains(#""line":20000,"ok":true"#) == true)
    }

    @Test func notifyVerifyHandlesV2PaymentNotifications() throws {
        let body = try write(try v2PaymentNotification(), "notify.xml")
        let result = try run(["notify", "verify", "--channel", "wechatpay-v2", "--body", body])
        #expect(result.status == 0, "\(result.stderr)")
        let output = try json(result)
        #expect(output["amount"] as? Int == 1230)
        #expect((output["ack"] as? [String: Any])?["body"] as? String == "<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>")
    }

    @Test func billParseStreamsRecordsAndChecksTheSummary() throws {
        let sample = Data(try Fixtures.vector("wechat-bill-trade-all-sample")["inputs"]["file_utf8"].string.utf8)
        let file = try write(sample, "bill.csv")
        let records = try run(["bill", "parse", "--channel", "wechatpay", file])
        #expect(records.status == 0, "\(records.stderr)")
        let lines = records.stdout.split(separator: "\n")
        #expect(lines.count == 45)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(first["kind"] as? String == "refund")
        #expect(first["amount"] as? Int == 1)
        #expect(first["time"] as? String == "2019-02-19T05:01:46+08:00")

        let summary = try json(try run(["bill", "parse", "--channel", "wechatpay", file, "--summary"]))
        #expect(summary["count"] as? Int == 45)
        #expect(summary["paymentAmount"] as? Int == 47)
        #expect(summary["refundAmount"] as? Int == 14)
        #expect(summary["fee"] as? Int == 8)

        let truncated = try run(["bill", "parse", "--channel", "wechatpay", try write(sample.prefix(3000), "cut.csv"), "--summary"])
        #expect(truncated.status != 0)
        #expect(truncated.stderr.contains("bill line"))
    }
}
