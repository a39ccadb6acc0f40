import Foundation
import HISPayCore
import HISPayCrypto
import HISPayTestSupport
import MedicalInsurance
import Testing

/// The insurance CLI contract: `sign --channel insurance`, `notify verify --channel insurance`.
@Suite(.serialized) struct InsuranceCommandLineTests {
    let keys: MobilePayTestKeys
    let directory: URL
    let config: URL

    init() throws {
        keys = try MobilePayTestKeys()
        let inputs = try Fixtures.vector("nhsa-sm-envelope-demo-keys")["inputs"]
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hispay-insurance-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(inputs["privateKey_b64"].string.utf8).write(to: directory.appendingPathComponent("hospital_sm2.key"))
        try Data(inputs["second_pair"]["publicKey_b64"].string.utf8).write(to: directory.appendingPathComponent("platform_sm2.pub"))
        config = directory.appendingPathComponent("hispay.json")
        try Data("""
            {"merchants": [{"name": "main-campus", "insurance": {"fixmedinsCode": "H44010600001", "fixmedinsName": "测试医院", "mdtrtareaAdmvs": "440100",
              "gateway": "https://fsi.example.gov.cn/fsi/api/rsfComIfrsvr",
              "mobilePay": {"appId": "\(inputs["appId"].string)", "appSecret": "env:HISPAY_TEST_APPSECRET", "privateKey": "hospital_sm2.key",
                            "platformPublicKey": "platform_sm2.pub", "gateway": "https://mobile.example.gov.cn/org/local/api/hos"}}}]}
            """.utf8).write(to: config)
    }

    let environment = ["HISPAY_TEST_APPSECRET": "F30D0D261BA04063A0BCAEF19F8ADBCC"]

    private func run(_ arguments: [String]) throws -> CommandLineRun {
        let result = try CommandLineRun(arguments + ["--config", config.path], environment: environment)
        #expect(!result.stdout.contains("F30D0D261BA04063A0BCAEF19F8ADBCC") && !result.stderr.contains("F30D0D261BA04063A0BCAEF19F8ADBCC"), "the appSecret was printed")
        return result
    }

    @Test func signPrintsTheEnvelopePartsWithTheSecretMasked() throws {
        let params = directory.appendingPathComponent("data.json")
        try Data(#"{"userName":"张三"}"#.utf8).write(to: params)
        let result = try run(["sign", "--channel", "insurance", "--params", params.path, "--timestamp", "1795312800000"])
        #expect(result.status == 0, "\(result.stderr)")
        let output = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(output["encData"] as? String == "33BC1E3A996B37E17DE65798F5FA50FC299F7839AFE723364BCB23963D74E658")
        let text = try #require(output["stringToSign"] as? String)
        #expect(text.hasSuffix("&key=<APP_SECRET>"))
        let signature = try Base64.decode(try #require(output["signature"] as? String))
        let real = text.replacingOccurrences(of: "<APP_SECRET>", with: "F30D0D261BA04063A0BCAEF19F8ADBCC")
        // Signed under the appSecret as SM2 ID, the platform utility's default (HseEncAndDecUtil).
        try keys.platform.platformPublicKey.verifySM2Signature(signature, for: Array(real.utf8), identifier: "F30D0D261BA04063A0BCAEF19F8ADBCC", encoding: .raw)
    }

    @Test func notifyVerifyAcceptsASettlementAndRefusesATamperedOne() throws {
        let data = ConfigValue.object(["payOrdId": .string("ORD20261122001"), "medOrgOrd": .string("REG20261122001"), "ordStas": .string("6"), "medfeeSumamt": .number("123.40")])
        let envelope = try MobilePayEnvelope.seal(data, credentials: keys.platform, timestamp: "1795312805000").envelope
        let body = directory.appendingPathComponent("notify.json")
        try Data(envelope.jsonText().utf8).write(to: body)
        let result = try run(["notify", "verify", "--channel", "insurance", "--body", body.path])
        #expect(result.status == 0, "\(result.stderr)")
        let output = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(output["kind"] as? String == "payment")
        #expect(output["amount"] as? Int == 12_340)
        #expect(output["state"] as? String == "6")
        #expect(!result.stderr.contains("SM2 ID"))

        // A centre that signs under the standard SM2 ID: accepted, and the operator told on stderr.
        let standard = MobilePayCredentials(
            appID: keys.platform.appID, appSecret: "F30D0D261BA04063A0BCAEF19F8ADBCC", privateKey: try PrivateKey(sm2Scalar: Base64.decode(keys.vector["inputs"]["second_pair"]["privateKey_b64"].string)),
            platformPublicKey: keys.platform.platformPublicKey, signerID: .standard)
        try Data(try MobilePayEnvelope.seal(data, credentials: standard, timestamp: "1795312805000").envelope.jsonText().utf8).write(to: body)
        let other = try run(["notify", "verify", "--channel", "insurance", "--body", body.path])
        #expect(other.status == 0, "\(other.stderr)")
        #expect(other.stderr.contains("verified under the standard ID 1234567812345678 as SM2 ID, not under the appSecret"), "\(other.stderr)")

        var tampered = envelope.objectValue
        tampered["signData"] = .string(Base64.encode([UInt8](repeating: 1, count: 64)))
        try Data(ConfigValue.object(tampered).jsonText().utf8).write(to: body)
        let refused = try run(["notify", "verify", "--channel", "insurance", "--body", body.path])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("signData does not verify"))
    }
}
