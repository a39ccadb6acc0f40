import Foundation
import HISPayCore
import HISPayTestSupport
import Testing

/// `hispay settle`: the bill file, the channel choice, and an unreachable platform reported as
/// unresolved (nothing was sent, nothing to undo).
@Suite(.serialized) struct SettleCommandLineTests {
    let directory: URL
    let config: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hispay-settle-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let header = try Fixtures.vector("wechat-v3-authorization-header")["vectors"][1]["inputs"]
        try Data(header["merchant_private_key_pkcs8_pem"].string.utf8).write(to: directory.appendingPathComponent("apiclient_key.pem"))
        let keys = try Fixtures.vector("nhsa-sm-envelope-demo-keys")["inputs"]
        try Data(keys["privateKey_b64"].string.utf8).write(to: directory.appendingPathComponent("hospital_sm2.key"))
        try Data(keys["second_pair"]["publicKey_b64"].string.utf8).write(to: directory.appendingPathComponent("platform_sm2.pub"))
        config = directory.appendingPathComponent("hispay.json")
        // Port 9 (discard) is closed on loopback: the platform is unreachable.
        try Data("""
            {"transport": {"proxy": "direct", "connectTimeoutSeconds": 2},
             "merchants": [{"name": "main-campus",
              "insurance": {"fixmedinsCode": "H44010600001", "fixmedinsName": "测试医院", "mdtrtareaAdmvs": "440100", "gateway": "http://127.0.0.1:9/fsi/api",
                "mobilePay": {"appId": "\(keys["appId"].string)", "appSecret": "\(keys["appSecret"].string)", "privateKey": "hospital_sm2.key",
                              "platformPublicKey": "platform_sm2.pub", "gateway": "http://127.0.0.1:9/hos"}},
              "wechatpay": {"mchId": "1900000001", "appId": "wx2421b1c4370ec43b", "merchantSerialNo": "\(header["serial_no"].string)",
                            "privateKey": "apiclient_key.pem", "apiV3Key": "a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb", "baseURL": "http://127.0.0.1:9"}}]}
            """.utf8).write(to: config)
    }

    func bill(_ fields: [String: Any]) throws -> String {
        let url = directory.appendingPathComponent("bill-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: fields).write(to: url)
        return url.path
    }

    let complete: [String: Any] = [
        "billId": "RCPT20261122001", "personId": "P1", "certificateType": "01", "certificateNumber": "ECTOKEN", "total": "123.40",
        "visitId": "V1", "chargeBatch": "CB1", "useAccount": true, "insuranceType": "310", "insuredArea": "440100",
        "cashOrderNo": "CASH20261122001", "subject": "门诊缴费", "authCode": "134567890123456789",
    ]

    /// Unresolved is a state, not an error: the JSON says so, and the exit code 3 (README: exit codes).
    @Test func unreachablePlatformIsUnresolvedNotAnError() throws {
        let run = try CommandLineRun(["settle", "--channel", "insurance", "--bill", try bill(complete), "--cash-channel", "wechatpay", "--config", config.path])
        #expect(run.status == 3, "\(run.stderr)")
        let output = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(output["state"] as? String == "unresolved")
        #expect(output["billId"] as? String == "RCPT20261122001")
        #expect((output["reason"] as? String)?.contains("unreachable") == true)
    }

    let mobilePay: [String: Any] = [
        "billId": "RCPT20261122002", "payAuthNo": "AUTH1",
        "upload": [
            "orgCodg": "H44010600001", "psnNo": "P1", "insutype": "310", "idNo": "44010619900101001X", "idType": "01", "userName": "张三",
            "medfeeSumamt": "123.40", "chrgBchno": "CB1", "feeType": "01",
        ],
        "cashOrderNo": "CASH20261122002", "subject": "门诊缴费",
    ]

    @Test func aMobilePayBillGoesToTheCentreAndIsUnresolvedWhenItIsUnreachable() throws {
        let run = try CommandLineRun(["settle", "--channel", "insurance", "--bill", try bill(mobilePay), "--cash-channel", "wechatpay", "--config", config.path])
        #expect(run.status == 3, "\(run.stderr)")
        let output = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(output["state"] as? String == "unresolved")
        #expect(output["billId"] as? String == "RCPT20261122002")
        #expect((output["reason"] as? String)?.contains("6201") == true, "\(output)")
        // Journaled in a store, the same bill is resumed by the next run; a bad store is refused.
        let store = "sqlite:" + directory.appendingPathComponent("store.db").path
        let journaled = try CommandLineRun(["settle", "--create", "--channel", "insurance", "--bill", try bill(mobilePay), "--cash-channel", "wechatpay", "--config", config.path, "--store", store])
        #expect(journaled.status == 3, "\(journaled.stderr)")
        #expect(journaled.stdout.contains(#""state" : "unresolved""#))
        let refused = try CommandLineRun(["settle", "--create", "--channel", "insurance", "--bill", try bill(mobilePay), "--cash-channel", "wechatpay", "--config", config.path, "--store", "sqlite:"])
        #expect(refused.status != 0 && refused.stderr.contains("sqlite: needs a file path"), "\(refused.stderr)")
    }

    @Test func badBillsAndChannelsAreRefusedInOneLine() throws {
        // A channel settle does not take is a usage error (64), naming the ones it does.
        let notPayment = try CommandLineRun(["settle", "--channel", "insurance", "--bill", try bill(complete), "--cash-channel", "insurance", "--config", config.path])
        #expect(notPayment.status == 64 && notPayment.stderr.contains("'insurance' is invalid for '--cash-channel"), "\(notPayment.stderr)")
        var missing = complete
        missing["visitId"] = nil
        var badTotal = complete
        badTotal["total"] = "12.345"
        let cases: [([String], String)] = [
            (["settle", "--channel", "insurance", "--bill", try bill(missing), "--cash-channel", "wechatpay"], "lacks visitId"),
            (["settle", "--channel", "insurance", "--bill", try bill(badTotal), "--cash-channel", "wechatpay"], "total"),
            (["settle", "--channel", "insurance", "--bill", try bill(complete), "--cash-channel", "alipay"], "no \"alipay\" block"),
            (["settle", "--channel", "insurance", "--bill", try bill(mobilePay.merging(["upload": "x"]) { $1 }), "--cash-channel", "wechatpay"], "lacks upload"),
            (
                ["settle", "--channel", "insurance", "--bill", try bill(mobilePay.merging(["upload": ["orgCodg": "H1", "idNo": "44010619900101001X"]]) { $1 }), "--cash-channel", "wechatpay"],
                "6201 (费用明细上传) requires psnNo"
            ),
        ]
        for (arguments, reason) in cases {
            let run = try CommandLineRun(arguments + ["--config", config.path])
            #expect(run.status != 0)
            #expect(run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
            #expect(run.stderr.contains(reason), "\(run.stderr)")
            #expect(!run.stderr.contains("44010619900101001X"))
        }
    }
}
