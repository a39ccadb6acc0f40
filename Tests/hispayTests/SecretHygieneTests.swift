import Foundation
import HISPay
import HISPayTestSupport
import Testing

/// Secret hygiene: every `hispay` command — and the demo — run with known secret values (the API
/// keys, the appSecret, the certificate passwords and the private keys of the profile the sandbox
/// writes, and a patient's full ID number), on success paths and on refusals; none of those values
/// may appear in any stdout, stderr, server log, report, store or other file the commands write.
@Suite(.serialized) struct SecretHygieneTests {
    static let idNumber = "440106199003071231"  // a valid check digit: masked wherever it is shown

    /// The values that must never be shown: the profile's symmetric secrets and passwords, and every
    /// base64 line of its private-key files.
    static func secrets(of config: URL) throws -> [String: String] {
        let profile = try HISPayConfiguration.load(path: config.path).merchant(named: "sandbox").settings
        var secrets: [String: String] = ["patient ID number": idNumber]
        let values = [("wechatpay", "apiV3Key"), ("wechatpayV2", "apiKey"), ("wechatpayV2", "clientCertificatePassword"),
                      ("unionpay", "signCertificatePassword")]
        for (block, key) in values { secrets["\(block).\(key)"] = try profile.block(block)?.optionalString(key) }
        secrets["insurance.mobilePay.appSecret"] = try profile.block("insurance")?.block("mobilePay")?.optionalString("appSecret")
        let directory = config.deletingLastPathComponent()
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            let text = (try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)) ?? ""
            guard text.contains("PRIVATE KEY-----") else { continue }
            for line in text.split(separator: "\n") where line.count >= 40 && !line.hasPrefix("-----") { secrets["\(name) line"] = String(line) }
        }
        return secrets.filter { !$0.value.isEmpty }
    }

    /// Fails naming the secret and where it appeared (never printing the value).
    static func expectClean(_ text: String, _ secrets: [String: String], in place: String) {
        for (name, value) in secrets where text.contains(value) {
            Issue.record("\(name) appears in \(place)")
        }
    }

    /// Every file under `directory` but the inputs, the profiles and their key files.
    static func expectCleanFiles(under directory: URL, _ secrets: [String: String]) throws {
        let keyFiles: Set<String> = ["pem", "p12", "pfx", "key", "pub"]
        let files = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        for file in files where !file.path.contains("/inputs/") && !keyFiles.contains(file.pathExtension) && file.lastPathComponent != "hispay.json"
            && file.lastPathComponent != "wrong-key.json" {
            guard let data = try? Data(contentsOf: file) else { continue }
            expectClean(String(decoding: data, as: UTF8.self), secrets, in: file.lastPathComponent)
        }
    }

    @Test func noCommandShowsASecret() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hispay-hygiene-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("hispay.json")
        let sandboxLog = directory.appendingPathComponent("sandbox.log")
        let sandbox = try ServerProcess(["sandbox", "--port", "0", "--write-config", config.path, "--pay-delay", "0.2"], standardError: sandboxLog)
        let secrets = try Self.secrets(of: config)
        #expect(secrets.count >= 8, "\(secrets.keys.sorted())")  // the four keys and passwords, the appSecret, the ID, key lines

        let inputs = directory.appendingPathComponent("inputs")
        try FileManager.default.createDirectory(at: inputs, withIntermediateDirectories: true)
        func file(_ name: String, _ object: Any) throws -> String {
            let url = inputs.appendingPathComponent(name)
            try JSONSerialization.data(withJSONObject: object).write(to: url)
            return url.path
        }
        func text(_ name: String, _ contents: String) throws -> String {
            let url = inputs.appendingPathComponent(name)
            try Data(contents.utf8).write(to: url)
            return url.path
        }
        let store = "sqlite:" + directory.appendingPathComponent("store.db").path
        let bill: [String: Any] = [
            "billId": "HYGIENE-1", "personId": "P0001", "certificateType": "01", "certificateNumber": Self.idNumber, "total": "123.40",
            "visitId": "V0001", "chargeBatch": "CB0001", "useAccount": true, "insuranceType": "310", "insuredArea": "440100",
            "cashOrderNo": "HYGIENE-1-CASH", "subject": "门诊缴费", "authCode": "134567890123456789",
        ]
        let wrongKey = directory.appendingPathComponent("wrong-key.json")
        let broken = try String(contentsOf: config, encoding: .utf8).replacingOccurrences(of: "sandbox_alipay_app_key.pem", with: "sandbox_alipay_pub.pem")
        try Data(broken.utf8).write(to: wrongKey)
        var commands: [[String]] = [
            ["self-check", "--config", config.path],
            ["config-check", "--config", config.path],
            ["config-check", "--config", wrongKey.path],
            ["sign", "--channel", "wechatpay", "--method", "POST", "--url", "/v3/pay/transactions/native", "--body", try text("body.json", #"{"amount":{"total":1}}"#), "--config", config.path],
            ["sign", "--channel", "wechatpay-v2", "--params", try file("v2.json", ["out_trade_no": "H1", "total_fee": "1"]), "--config", config.path],
            ["sign", "--channel", "alipay", "--params", try file("alipay.json", ["method": "alipay.trade.query", "biz_content": ["out_trade_no": "H1"]]), "--config", config.path],
            ["sign", "--channel", "alipay", "--params", try file("alipay.json", ["method": "alipay.trade.query"]), "--config", wrongKey.path],
            ["sign", "--channel", "unionpay", "--params", try file("unionpay.json", ["txnType": "00", "orderId": "H1", "txnTime": "20261122100000"]), "--config", config.path],
            ["sign", "--channel", "insurance", "--params", try file("insurance.json", ["payAuthNo": "AUTH1", "certNo": Self.idNumber]), "--config", config.path],
            ["settle", "--create", "--channel", "insurance", "--bill", try file("bill.json", bill), "--cash-channel", "wechatpay", "--config", config.path, "--store", store],
            ["settle", "--create", "--channel", "insurance", "--bill", try file("bill.json", bill), "--cash-channel", "wechatpay", "--config", config.path, "--store", store],
            ["events", "--store", store],
            ["bill", "parse", "--channel", "unionpay", try text("zm.txt", "not a ZM file")],
            ["reconcile", "--date", "2026-11-22", "--ledger", try text("ledger.csv", "channel,kind,out_trade_no,amount,time\nwechatpay,payment,H1,1.00,2026-11-22 10:00:00\n"),
             "--statement", "wechatpay=" + (try text("bill.csv", "not a bill")), "--out", directory.appendingPathComponent("report").path],
            ["demo", "--dir", directory.appendingPathComponent("demo").path],
        ]
        for channel in ["wechatpay", "wechatpay-v2", "alipay", "unionpay", "insurance"] {
            commands.append(["notify", "verify", "--channel", channel, "--body", try text("forged-\(channel)", "appId=x&sign=\(Self.idNumber)"), "--config", config.path])
        }
        commands.append(["notify", "verify", "--channel", "alipay", "--batch", try text("batch.jsonl", #"{"body": "a=1"}"# + "\nnot json\n"), "--config", config.path])
        for arguments in commands {
            let run = try CommandLineRun(arguments)
            Self.expectClean(run.stdout + run.stderr, secrets, in: "the output of hispay \(arguments.prefix(3).joined(separator: " "))")
        }

        // The gateway: callbacks nobody signed are refused, and its log shows nothing secret.
        let serveLog = directory.appendingPathComponent("serve.log")
        let gateway = try ServerProcess(["serve", "--create", "--port", "0", "--config", config.path, "--store", store] + InternalToken.arguments, standardError: serveLog)
        let transport = CurlTransport(configuration: .init(proxy: .direct))
        for channel in ["wechatpay", "wechatpay-v2", "alipay", "unionpay", "insurance"] {
            _ = try await transport.send(
                HTTPRequest(method: "POST", url: gateway.url + "/notify/sandbox/" + channel, body: Data("certNo=\(Self.idNumber)&sign=AAAA".utf8)))
        }
        gateway.stop()
        sandbox.stop()
        let demoSecrets = try Self.secrets(of: directory.appendingPathComponent("demo/hispay.json"))
        try Self.expectCleanFiles(under: directory, secrets.merging(demoSecrets) { first, _ in first })
    }
}
