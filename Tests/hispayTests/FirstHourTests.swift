import Foundation
import HISPay
import HISPayCore
import HISPayCrypto
import HISPayCurl
import HISPayTestSupport
import HISPayTesting
import Testing

/// Issue 24: what a new user meets in the first hour — a configuration checked as the commands load
/// it, every problem at once with its place; nothing created or overwritten unless asked; every
/// message ours, never Foundation's or NIO's.
@Suite(.serialized) struct FirstHourTests {
    let directory: URL
    let keys: WeChatPayTestKeys

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hispay-first-hour-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        keys = try WeChatPayTestKeys()
        let header = try Fixtures.vector("wechat-v3-authorization-header")["vectors"][1]["inputs"]
        try Data(header["merchant_private_key_pkcs8_pem"].string.utf8).write(to: directory.appendingPathComponent("apiclient_key.pem"))
        try Data(keys.platformCertificate.pemRepresentation.utf8).write(to: directory.appendingPathComponent("platform.pem"))
    }

    /// A WeChat Pay block as a HIS would write it, with `extra` entries (JSON text) added.
    func config(_ wechatpay: String, store: String = "") throws -> URL {
        let url = directory.appendingPathComponent("hispay-\(UUID().uuidString.prefix(8)).json")
        try Data(#"{\#(store)"merchants": [{"name": "main", "wechatpay": {\#(wechatpay)}}]}"#.utf8).write(to: url)
        return url
    }

    static let good = #""mchId": "1900000001", "appId": "wx2421b1c4370ec43b", "merchantSerialNo": "5157F09EFDC096DE15EBE81A47057A7232F1B8E1", "privateKey": "apiclient_key.pem", "apiV3Key": "env:HISPAY_TEST_APIV3", "platformCertificates": ["platform.pem"]"#
    static let environment = ["HISPAY_TEST_APIV3": "a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb"]

    func check(_ url: URL, environment: [String: String] = Self.environment) throws -> (status: Int32, problems: [[String: String]], stderr: String) {
        let run = try CommandLineRun(["config-check", "--config", url.path], environment: environment)
        let report = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        return (run.status, (report?["problems"] as? [[String: String]]) ?? [], run.stderr)
    }

    @Test func aGoodConfigurationPassesAndSelfCheckAgrees() throws {
        let url = try config(Self.good)
        let result = try check(url)
        #expect(result.status == 0 && result.problems.isEmpty, "\(result.problems) \(result.stderr)")
        let selfCheck = try CommandLineRun(["self-check", "--config", url.path], environment: Self.environment)
        #expect(selfCheck.status == 0 && selfCheck.stdout.contains(#""name" : "configuration""#), "\(selfCheck.stdout)")
    }

    /// A missing key file, a missing certificate, an unset `env:` variable and a misspelled key in one
    /// block — each reported once with its place, at once; self-check says not ok for the same file.
    @Test func everyProblemIsReportedAtOnceWithItsPlace() throws {
        let broken = Self.good.replacingOccurrences(of: "apiclient_key.pem", with: "missing_key.pem").replacingOccurrences(of: #""mchId""#, with: #""mchid""#)
            .replacingOccurrences(of: #"["platform.pem"]"#, with: #"["platform.pem", "certs/missing_platform.pem"]"#)
        let url = try config(broken)
        let result = try check(url, environment: [:])
        #expect(result.status != 0)
        let text = result.problems.map { "\($0["path"] ?? ""): \($0["message"] ?? "")" }.joined(separator: "\n")
        #expect(text.contains("merchants[0].wechatpay.privateKey: names \(directory.path)/missing_key.pem, which cannot be read"), "\(text)")
        #expect(text.contains("merchants[0].wechatpay.platformCertificates[1]: names \(directory.path)/certs/missing_platform.pem, which cannot be read"), "\(text)")
        #expect(text.contains("merchants[0].wechatpay.apiV3Key: reads environment variable HISPAY_TEST_APIV3, which is not set"), "\(text)")
        #expect(text.contains("merchants[0].wechatpay.mchid: is not a known key (did you mean mchId?)"), "\(text)")
        #expect(result.problems.count == 4, "\(text)")
        #expect(result.stderr.contains("merchants[0].wechatpay"), "\(result.stderr)")
        // The misspelling alone: named, with the key meant.
        let misspelled = try check(try config(Self.good.replacingOccurrences(of: #""appId""#, with: #""appid""#)))
        #expect(misspelled.status != 0)
        #expect(misspelled.problems.contains { $0["path"] == "merchants[0].wechatpay.appid" && ($0["message"] ?? "").contains("did you mean appId?") }, "\(misspelled.problems)")
        #expect(misspelled.problems.count == 1, "\(misspelled.problems)")
        let selfCheck = try CommandLineRun(["self-check", "--config", url.path])
        #expect(selfCheck.status != 0 && selfCheck.stdout.contains(#""ok" : false"#))
    }

    @Test func certificatesAreCheckedForExpiry() throws {
        let now = Date()
        let key = try PrivateKey.generate(.rsa)
        for (name, until, severity) in [("expired.pem", now.addingTimeInterval(-86_400), "error"), ("ending.pem", now.addingTimeInterval(10 * 86_400), "warning")] {
            let certificate = try CertificateIssuer.root(commonName: "Test Platform", key: key, serial: 7, validFrom: now.addingTimeInterval(-400 * 86_400), until: until).certificate
            try Data(certificate.pemRepresentation.utf8).write(to: directory.appendingPathComponent(name))
            let result = try check(try config(Self.good.replacingOccurrences(of: #"["platform.pem"]"#, with: #"["platform.pem", "\#(name)"]"#)))
            #expect(result.problems.contains { $0["severity"] == severity && ($0["message"] ?? "").contains(name) }, "\(name): \(result.problems)")
            #expect((result.status == 0) == (severity == "warning"))
        }
    }

    @Test func aJSONSyntaxErrorNamesItsLineAndColumn() throws {
        let url = directory.appendingPathComponent("broken.json")
        try Data("{\n  \"merchants\": [\n    {\"name\": \"main\",, \"alipay\": {}}\n  ]\n}\n".utf8).write(to: url)
        let run = try CommandLineRun(["config-check", "--config", url.path])
        #expect(run.status != 0 && run.stderr.contains("line 3, column 21"), "\(run.stderr)")
        #expect(!run.stderr.contains("The given data"))
        let help = try CommandLineRun(["config-check", "--help"])
        #expect(help.stdout.contains("--config <config>") && !help.stdout.contains("[--config <config>]"), "\(help.stdout)")
    }

    @Test func aStoreIsNeverCreatedUnlessAsked() throws {
        let typo = "sqlite:" + directory.appendingPathComponent("typo.db").path
        let events = try CommandLineRun(["events", "--store", typo])
        #expect(events.status != 0 && events.stderr.contains("there is no store at \(typo)"), "\(events.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("typo.db").path))
        let serve = try CommandLineRun(["serve", "--port", "0", "--config", try config(Self.good).path, "--store", typo] + InternalToken.arguments, environment: Self.environment)
        #expect(serve.status != 0 && serve.stderr.contains("--create"), "\(serve.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("typo.db").path))
    }

    @Test func theDemoKeepsAFolderThatIsNotEmptyUnlessForced() throws {
        let folder = directory.appendingPathComponent("demo")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: folder.appendingPathComponent("hispay.json"))
        let refused = try CommandLineRun(["demo", "--dir", folder.path])
        #expect(refused.status != 0 && refused.stderr.contains("--force"), "\(refused.stderr)")
        #expect(try String(contentsOf: folder.appendingPathComponent("hispay.json"), encoding: .utf8) == "mine")
        let file = directory.appendingPathComponent("a-file")
        try Data().write(to: file)
        let notAFolder = try CommandLineRun(["demo", "--dir", file.path])
        #expect(notAFolder.status != 0 && notAFolder.stderr.contains("is a file"), "\(notAFolder.stderr)")
    }

    /// Help lists the values a command takes, and only those; numbers, negative ones too, reach the
    /// command's own check; a bad day or cut-off is named as such.
    @Test func helpOffersOnlyWhatACommandTakesAndNumbersAreCheckedAsNumbers() throws {
        let help = try CommandLineRun(["settle", "--help"]).stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(help.contains("(values: insurance)"), "\(help)")
        #expect(help.contains("(values: wechatpay, wechatpay-v2, alipay, unionpay)"), "\(help)")
        let refused = try CommandLineRun(["settle", "--channel", "alipay", "--cash-channel", "insurance", "--bill", "b.json"])
        #expect(refused.status != 0 && refused.stderr.contains("'alipay' is invalid for '--channel"), "\(refused.stderr)")
        let (_, bill, ledger, _) = try ReconcileCommandLineTests.plantedDay()
        let out = directory.appendingPathComponent("out").path
        for (arguments, message) in [
            (["--date", "2019-02-19", "--cut-off", "-5"], "--cut-off must be 0…86400 seconds, not -5"),
            (["--date", "2019-02-19", "--cut-off", "999999"], "--cut-off must be 0…86400 seconds, not 999999"),
            (["--date", "2019-13-45"], "--date 2019-13-45 is not a day (yyyy-MM-dd)"),
        ] {
            let run = try CommandLineRun(["reconcile"] + arguments + ["--ledger", ledger.path, "--statement", "wechatpay=\(bill.path)", "--out", out])
            #expect(run.status != 0 && run.stderr.contains(message), "\(arguments): \(run.stderr)")
        }
        let events = try CommandLineRun(["events", "--store", "sqlite:" + directory.appendingPathComponent("x.db").path, "--after", "-1"])
        #expect(events.status != 0 && events.stderr.contains("--after is a cursor (0 or more), not -1"), "\(events.stderr)")
    }

    /// Bad inputs across the commands: every message is ours — no Foundation or NIO description.
    @Test func noMessageIsFoundationsOrNIOs() throws {
        let file = directory.appendingPathComponent("in-the-way")
        try Data("x".utf8).write(to: file)
        let (_, bill, ledger, _) = try ReconcileCommandLineTests.plantedDay()
        let badXML = directory.appendingPathComponent("bad.xml")
        try Data("<xml><return_code>SUCCESS</return_code><xml".utf8).write(to: badXML)
        let v2 = directory.appendingPathComponent("v2.json").path
        try Data(#"{"merchants": [{"name": "main", "wechatpayV2": {"mchId": "1900000001", "appId": "wx2421b1c4370ec43b", "apiKey": "192006250b4c09247ec02edce69f6a2d"}}]}"#.utf8)
            .write(to: URL(fileURLWithPath: v2))
        let occupied = try LoopbackServer()
        let runs: [[String]] = [
            ["reconcile", "--date", "2019-02-19", "--ledger", ledger.path, "--statement", "wechatpay=\(bill.path)", "--out", file.path],
            ["notify", "verify", "--channel", "wechatpay-v2", "--body", badXML.path, "--config", v2],
            ["serve", "--create", "--port", "\(occupied.port)", "--config", v2, "--store", "sqlite:" + directory.appendingPathComponent("s.db").path] + InternalToken.arguments,
            ["events", "--store", "sqlite:/nonexistent/folder/store.db"],
            ["config-check", "--config", "/nonexistent/hispay.json"],
            ["bill", "parse", "--channel", "wechatpay", "--file", "/nonexistent/bill.csv"],
        ]
        for arguments in runs {
            let run = try CommandLineRun(arguments, environment: Self.environment)
            #expect(run.status != 0, "\(arguments.prefix(2)) succeeded")
            for leak in ["Error Domain=", "errno:", "NSCocoaErrorDomain", "NSXMLParserErrorDomain", "(null)"] {
                #expect(!run.stderr.contains(leak), "\(arguments.prefix(2)): \(run.stderr)")
            }
        }
    }
}

/// Issue 24: the simulator as a development server — an address of one's choosing, and a log line per
/// request (on stderr and at `GET /sandbox/requests`) naming the channel, the operation, the verdict
/// and, for a rejection, the simulator's reason.
@Suite struct SandboxRequestLogTests {
    @Test func everyRequestIsLoggedWithItsVerdictAndWhy() async throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-\(UUID().uuidString).log")
        let sandbox = try ServerProcess(["sandbox", "--host", "127.0.0.1", "--port", "0"], standardError: log)
        #expect(sandbox.url.hasPrefix("http://127.0.0.1:"))
        let client = CurlTransport(configuration: .init(proxy: .direct))
        // An APIv3 request without its signature, and an Alipay call without app_id or sign.
        let unsigned = try await client.send(HISPayCore.HTTPRequest(
            method: "POST", url: sandbox.url + "/v3/pay/transactions/native", headers: ["Content-Type": "application/json"], body: Data("{}".utf8)))
        #expect(unsigned.status == 401)
        _ = try await client.send(HISPayCore.HTTPRequest(
            method: "POST", url: sandbox.url + "/gateway.do", headers: ["Content-Type": "application/x-www-form-urlencoded"], body: Data("method=alipay.trade.query".utf8)))
        let listed = try await client.send(HISPayCore.HTTPRequest(method: "GET", url: sandbox.url + "/sandbox/requests"))
        let entries = try #require(try JSONSerialization.jsonObject(with: listed.body) as? [[String: Any]])
        let wechat = try #require(entries.first { $0["channel"] as? String == "wechatpay" }, "\(entries)")
        #expect(wechat["operation"] as? String == "pay/transactions/native" && wechat["status"] as? Int == 401 && wechat["verdict"] as? String == "rejected")
        #expect((wechat["reason"] as? String)?.isEmpty == false)
        let alipay = try #require(entries.first { $0["channel"] as? String == "alipay" }, "\(entries)")
        #expect(alipay["operation"] as? String == "alipay.trade.query" && alipay["verdict"] as? String == "rejected", "\(alipay)")
        // The same lines on stderr, one JSON object each.
        for _ in 0..<50 where (try? String(contentsOf: log, encoding: .utf8))?.contains("alipay.trade.query") != true { try await Task.sleep(for: .milliseconds(20)) }
        let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
        #expect(lines.contains { $0.contains(#""channel":"wechatpay""#) && $0.contains(#""verdict":"rejected""#) }, "\(lines)")
        let bad = try CommandLineRun(["sandbox", "--host", "not an address", "--port", "0"])
        #expect(bad.status != 0 && !bad.stderr.contains("errno:"), "\(bad.stderr)")
    }
}

/// Issue 24: `sandbox --state-dir` keeps the sandbox's keys and orders, so the profile a HIS was
/// configured with, and the orders it placed, still work after a restart — even after a crash.
@Suite struct SandboxStateTests {
    @Test func ordersSurviveACrash() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hispay-sandbox-orders-\(UUID().uuidString)")
        let state = directory.appendingPathComponent("state"), config = directory.appendingPathComponent("hispay.json")
        func start() throws -> ServerProcess {
            try ServerProcess(["sandbox", "--port", "0", "--state-dir", state.path, "--write-config", config.path, "--pay-delay", "1"])
        }
        func channel(_ id: ChannelID) throws -> any PaymentChannel {
            let configuration = try HISPayConfiguration.load(path: config.path)
            return try ChannelRegistry.standard.channel(
                id, merchant: try configuration.merchant(named: "sandbox"), transports: try CurlTransport.Configuration(settings: configuration.transport))
        }
        func paid(_ channel: any PaymentChannel, _ number: String) async throws -> Outcome<Payment> {
            var result = try await channel.query(.outTradeNo(number))
            for _ in 0..<100 where result.kind == .pending {
                try await Task.sleep(for: .milliseconds(100))
                result = try await channel.query(.outTradeNo(number))
            }
            return result
        }
        func order(_ number: String) -> PayRequest { PayRequest(outTradeNo: number, amount: Amount(fen: 1230), subject: "门诊缴费", scene: .qrCode) }
        var sandbox = try start()
        // Paid and partly refunded on WeChat Pay; paid on Alipay; placed and not yet paid when the sandbox dies.
        _ = try await channel(.wechatPay).pay(order("STATE-W1"))
        #expect(try await paid(try channel(.wechatPay), "STATE-W1").kind == .success)
        let refund = RefundRequest(order: .outTradeNo("STATE-W1"), outRefundNo: "STATE-W1R", refundAmount: Amount(fen: 230), totalAmount: Amount(fen: 1230))
        #expect(try await channel(.wechatPay).refund(refund).kind == .success)
        _ = try await channel(.alipay).pay(order("STATE-A1"))
        #expect(try await paid(try channel(.alipay), "STATE-A1").kind == .success)
        _ = try await channel(.wechatPay).pay(order("STATE-W2"))
        sandbox.stop()  // SIGKILL: what was answered is on disk
        sandbox = try start()
        defer { sandbox.stop() }
        let wechat = try channel(.wechatPay)
        #expect(try await wechat.query(.outTradeNo("STATE-W1")).kind == .success)
        #expect(try await wechat.queryRefund(RefundReference(outRefundNo: "STATE-W1R")).value?.amount == Amount(fen: 230))
        #expect(try await channel(.alipay).query(.outTradeNo("STATE-A1")).value?.amount == Amount(fen: 1230))
        // The order placed before the crash is paid after the restart, as its patient would.
        #expect(try await paid(wechat, "STATE-W2").kind == .success)
        // A number used before the restart is still used.
        let again = try await wechat.pay(order("STATE-W1"))
        #expect("\(again)".contains("ORDERPAID"), "\(again)")
        sandbox.stop()
        try Data("{".utf8).write(to: state.appendingPathComponent("sandbox-orders.json"))
        let broken = try CommandLineRun(["sandbox", "--port", "0", "--state-dir", state.path])
        #expect(broken.status != 0 && broken.stderr.contains("is not the sandbox's order file"), "\(broken.stderr)")
    }

    @Test func theKeysSurviveARestart() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hispay-sandbox-state-\(UUID().uuidString)")
        let state = directory.appendingPathComponent("state")
        func start(_ name: String) throws -> (config: String, key: String) {
            let config = directory.appendingPathComponent("\(name)/hispay.json")
            let sandbox = try ServerProcess(["sandbox", "--port", "0", "--state-dir", state.path, "--write-config", config.path])
            defer { sandbox.stop() }
            let written = try String(contentsOf: config, encoding: .utf8)
            let key = try String(contentsOf: directory.appendingPathComponent("\(name)/sandbox_apiclient_key.pem"), encoding: .utf8)
            return (written.replacingOccurrences(of: sandbox.url, with: "URL"), key)
        }
        let first = try start("first"), second = try start("second")
        #expect(first.key == second.key && first.key.contains("PRIVATE KEY"))
        #expect(first.config == second.config)  // the same apiV3Key, apiKey and secrets
        let permissions = try FileManager.default.attributesOfItem(atPath: state.appendingPathComponent("sandbox-keys.json").path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
        try Data("not json".utf8).write(to: state.appendingPathComponent("sandbox-keys.json"))
        let broken = try CommandLineRun(["sandbox", "--port", "0", "--state-dir", state.path])
        #expect(broken.status != 0 && broken.stderr.contains("is not the sandbox's key file"), "\(broken.stderr)")
    }
}

/// Issue 24: the README's configuration example is a configuration that works — `config-check` passes
/// it, with test keys and certificates in the files it names.
@Suite struct ReadmeConfigurationTests {
    @Test func theReadmeExamplePassesConfigCheck() throws {
        let example = try Readme.block("json", after: "## Configuration file\n")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hispay-readme-\(UUID().uuidString)")
        for folder in ["keys", "certs"] {
            try FileManager.default.createDirectory(at: directory.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        let config = directory.appendingPathComponent("hispay.json")
        try Data(example.utf8).write(to: config)
        // The files the example names, with the test suite's keys and certificates.
        let wechat = try WeChatPayTestKeys()
        let sandbox = try SandboxKeys()
        let merchantKey = try Fixtures.vector("wechat-v3-authorization-header")["vectors"][1]["inputs"]["merchant_private_key_pkcs8_pem"].string
        let files: [String: String] = [
            "certs/proxy-ca.pem": try String(contentsOf: Fixtures.url("tls").appendingPathComponent("ca.pem"), encoding: .utf8),
            "keys/apiclient_key.pem": merchantKey, "keys/wechatpay_platform.pem": wechat.platformCertificate.pemRepresentation,
            "keys/alipay_app_private_key.pem": try sandbox.alipayAppKey.pkcs8PEM(), "keys/alipay_public_key.pem": try sandbox.alipayKey.publicKey.pemRepresentation,
        ]
        for (path, text) in files { try Data(text.utf8).write(to: directory.appendingPathComponent(path)) }
        let run = try CommandLineRun(["config-check", "--config", config.path], environment: ["HISPAY_WECHAT_V3_KEY": wechat.apiV3KeyText])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stdout.contains(#""ok" : true"#))
        // The README's partners list, in the same file: read as reconciliation reads it, and a broken one refused.
        let partners = try Readme.block("json", after: "**Resource-pool partners.**", beginningWith: "\"partners\"")
        let withPartners = example.replacingOccurrences(of: "{\n  \"transport\"", with: "{\n  \(partners),\n  \"transport\"")
        try Data(withPartners.utf8).write(to: config)
        let partnered = try CommandLineRun(["config-check", "--config", config.path], environment: ["HISPAY_WECHAT_V3_KEY": wechat.apiV3KeyText])
        #expect(partnered.status == 0 && withPartners.contains("jk160"), "\(partnered.stdout)\n\(partnered.stderr)")
        try Data(withPartners.replacingOccurrences(of: #""orderNo": "医院订单号", "#, with: "").utf8).write(to: config)
        let broken = try CommandLineRun(["config-check", "--config", config.path], environment: ["HISPAY_WECHAT_V3_KEY": wechat.apiV3KeyText])
        #expect(broken.status != 0 && broken.stderr.contains("partners[0].columns needs orderNo"), "\(broken.stderr)")
    }
}
