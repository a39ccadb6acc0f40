import Foundation
import HISPay
import HISPayTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 25: `hispay card` as processes on a real store — a patient's day against the sandbox and
/// the gateway, a top-up callback delivered 50 times, a `card pay` killed at any moment.
@Suite(.serialized) struct CardCommandLineTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hispay-card-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func json(_ run: CommandLineRun) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stdout)\n\(run.stderr)")
    }

    func balance(_ output: [String: Any]) -> Int? { (output["account"] as? [String: Any])?["balance"] as? Int ?? output["balance"] as? Int }

    /// The sandbox-written profile: the patient tops up by WeChat Pay (its callback through `hispay
    /// serve`), pays two fees, gets one partly refunded, and is discharged — the balance back to WeChat Pay.
    @Test func aPatientsStayFromTopUpToWithdrawal() async throws {
        let config = directory.appendingPathComponent("sandbox/hispay.json")
        let sandbox = try ServerProcess(["sandbox", "--port", "0", "--write-config", config.path, "--pay-delay", "0.3"])
        defer { sandbox.stop() }
        let store = "sqlite:" + directory.appendingPathComponent("store.db").path
        let gateway = try ServerProcess(["serve", "--create", "--port", "0", "--config", config.path, "--store", store] + InternalToken.arguments)
        defer { gateway.stop() }
        let card = ["--config", config.path, "--store", store]
        // A store that does not exist is not made unless asked.
        let missing = try CommandLineRun(["card", "balance", "--config", config.path, "--store", "sqlite:" + directory.appendingPathComponent("typo.db").path, "--card", "C1"])
        #expect(missing.status != 0 && missing.stderr.contains("--create"), "\(missing.stderr)")
        // The resident ID number comes on stdin and is shown masked only.
        let opened = try CommandLineRun(executable: CommandLineRun.executable, ["card", "open"] + card + ["--card", "C1", "--patient", "P1", "--id-number-stdin"], input: Data("11010519491231002X\n".utf8))
        #expect(opened.status == 0 && !opened.stdout.contains("19491231") && opened.stdout.contains("110105********002X"), "\(opened.stdout)\(opened.stderr)")
        let topUp = try json(try CommandLineRun(["card", "top-up"] + card + ["--card", "C1", "--channel", "wechatpay", "--order", "TU-1", "--amount", "500.00", "--notify-url", gateway.url + "/notify/sandbox/wechatpay"]))
        #expect((topUp["topUp"] as? [String: Any])?["state"] as? String == "pending" && (topUp["qrCode"] as? String)?.hasPrefix("weixin://") == true)
        #expect(balance(topUp) == 0)  // not credited on the HIS's word
        // `hispay serve` credits the top-up when WeChat Pay's callback comes: read the ledger without applying anything.
        let watched = try await SQLPaymentStore.open(store, create: false)
        let ledger = try await CardLedger(store: watched, merchant: "sandbox")
        var credited = Amount.zero
        for _ in 0..<50 where credited == .zero {
            try await Task.sleep(for: .milliseconds(100))
            credited = try await ledger.account("C1").balance
        }
        try await watched.close()
        #expect(credited == Amount(fen: 50_000), "the gateway credited the top-up on WeChat Pay's callback")
        let after = try json(try CommandLineRun(["card", "balance"] + card + ["--card", "C1"]))
        #expect(balance(after) == 50_000 && (after["topUps"] as? [[String: Any]])?.first?["state"] as? String == "credited", "\(after)")
        #expect(balance(try json(try CommandLineRun(["card", "pay"] + card + ["--card", "C1", "--order", "FEE-1", "--amount", "120.00"]))) == 38_000)
        #expect(balance(try json(try CommandLineRun(["card", "pay"] + card + ["--card", "C1", "--order", "FEE-2", "--amount", "80.50"]))) == 29_950)
        let short = try CommandLineRun(["card", "pay"] + card + ["--card", "C1", "--order", "FEE-3", "--amount", "300.00"])
        #expect(short.status == 1 && short.stderr.contains("holds ¥299.50, short of ¥300.00"), "\(short.stderr)")
        #expect(balance(try json(try CommandLineRun(["card", "refund"] + card + ["--order", "FEE-1", "--refund", "FEE-1-R1", "--amount", "20.00"]))) == 31_950)
        let withdrawal = try json(try CommandLineRun(["card", "withdraw"] + card + ["--card", "C1", "--withdrawal", "W1"]))
        #expect(withdrawal["refunded"] as? Int == 31_950 && balance(withdrawal) == 0, "\(withdrawal)")
        // The WeChat Pay sandbox holds the refund against the top-up's order.
        let day = try json(try CommandLineRun(["card", "statement"] + card + ["--out", directory.appendingPathComponent("card.csv").path]))
        #expect(day["balanced"] as? Bool == true && day["topUps"] as? Int == 50_000 && day["debits"] as? Int == 20_050 && day["refunds"] as? Int == 2_000)
        #expect(day["withdrawals"] as? Int == 31_950 && day["closing"] as? Int == 0, "\(day)")
        let csv = try String(contentsOf: directory.appendingPathComponent("card.csv"), encoding: .utf8)
        #expect(csv.contains(",C1,withdrawal,TU-1,W1-1,wechatpay,31950") && csv.contains("#total,6,"), "\(csv)")
        // The night: the card's statement against the journal, its day balanced, its top-up and
        // withdrawal found on WeChat Pay's statement — in the same report as the channels.
        let today = try #require(day["date"] as? String)
        let out = directory.appendingPathComponent("night")
        // As of 10:30 the next day, when WeChat Pay's statement of the day is out.
        let nextMorning = try #require(BeijingTime.parse(today + " 10:30:00")).addingTimeInterval(86_400)
        let night = try CommandLineRun(["reconcile", "--config", config.path, "--store", store, "--date", today, "--out", out.path, "--now", BeijingTime.iso8601(nextMorning)])
        let written = try #require(FileManager.default.contents(atPath: out.appendingPathComponent("report.json").path), "\(night.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: written) as? [String: Any])
        let section = try #require((report["sections"] as? [[String: Any]])?.first?["report"] as? [String: Any])
        let cardTotals = try #require((section["platformTotals"] as? [[String: Any]])?.first { $0["channel"] as? String == "hospitalcard" }, "\(section)")
        #expect(cardTotals["balanced"] as? Bool == true && cardTotals["detail"] == nil, "\(cardTotals)\n\(night.stderr)\n\(section["statements"] ?? "")")
        #expect((cardTotals["parts"] as? [String: Int]) == ["opening": 0, "topUps": 50_000, "debits": 20_050, "refunds": 2_000, "withdrawals": 31_950, "closing": 0])
        let totals = try #require(section["totals"] as? [[String: Any]])
        func matched(_ channel: String, _ kind: String) -> Int? {
            totals.first { $0["channel"] as? String == channel && $0["kind"] as? String == kind }?["matchedAmount"] as? Int
        }
        // Card payments and refunds against the journal; the top-up and the withdrawal on WeChat Pay.
        #expect(matched("hospitalcard", "payment") == 20_050 && matched("hospitalcard", "refund") == 2_000, "\(totals)")
        #expect(matched("wechatpay", "payment") == 50_000 && matched("wechatpay", "refund") == 31_950, "\(totals)")
        #expect((section["discrepancies"] as? [Any])?.isEmpty == true, "\(section["discrepancies"] ?? "")\n\(totals)")
        #expect(night.status == 0, "\(night.stderr)")
    }

    /// The gateway takes the same verified top-up callback 50 times (some at once): the card is credited once.
    @Test func aTopUpCallbackDeliveredFiftyTimesIsCreditedOnce() async throws {
        let keys = try WeChatPayTestKeys()
        let header = try Fixtures.vector("wechat-v3-authorization-header")["vectors"][1]["inputs"]
        try Data(header["merchant_private_key_pkcs8_pem"].string.utf8).write(to: directory.appendingPathComponent("apiclient_key.pem"))
        try Data(keys.platformCertificate.pemRepresentation.utf8).write(to: directory.appendingPathComponent("platform.pem"))
        let config = directory.appendingPathComponent("hispay.json")
        try Data("""
            {"merchants": [{"name": "main",
              "wechatpay": {"mchId": "\(keys.merchantID)", "appId": "wx2421b1c4370ec43b", "merchantSerialNo": "\(header["serial_no"].string)",
                            "privateKey": "apiclient_key.pem", "apiV3Key": "env:HISPAY_TEST_APIV3", "platformCertificates": ["platform.pem"]},
              "hospitalcard": {"topUpChannels": ["wechatpay", "cash"]}}]}
            """.utf8).write(to: config)
        let environment = ["HISPAY_TEST_APIV3": keys.apiV3KeyText]
        let store = "sqlite:" + directory.appendingPathComponent("store.db").path
        let card = ["--config", config.path, "--store", store]
        #expect(try CommandLineRun(["card", "open", "--create"] + card + ["--card", "C2", "--patient", "P2"], environment: environment).status == 0)
        // The top-up's payment order, recorded as the HIS placed it (its QR code shown to the patient).
        let opened = try await SQLPaymentStore.open(store, create: false)
        _ = try await HospitalCardChannel(ledger: try await CardLedger(store: opened, merchant: "main"))
            .startTopUp(cardNo: "C2", channel: .wechatPay, orderNo: "TU-2", amount: Amount(fen: 1_230))
        try await opened.close()
        let gateway = try ServerProcess(["serve", "--port", "0", "--config", config.path, "--store", store] + InternalToken.arguments, environment: environment)
        defer { gateway.stop() }
        let callback = try keys.notification(resource: keys.transactionResource(outTradeNo: "TU-2", total: 1_230), id: "EV-TU-2", timestamp: Date())
        let client = CurlTransport(configuration: .init(proxy: .direct))
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    try await client.send(HTTPRequest(method: "POST", url: gateway.url + "/notify/main/wechatpay", headers: callback.headers, body: callback.body)).status
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.allSatisfy { $0 == 204 } && statuses.count == 50, "\(statuses)")
        // Two reads at once (two clerks), then one more: credited once.
        async let first = CommandLineRun(["card", "balance"] + card + ["--card", "C2"], environment: environment)
        async let second = CommandLineRun(["card", "balance"] + card + ["--card", "C2"], environment: environment)
        _ = try await (first, second)
        let account = try json(try CommandLineRun(["card", "balance"] + card + ["--card", "C2"], environment: environment))
        #expect(balance(account) == 1_230)
        #expect((account["entries"] as? [[String: Any]])?.filter { $0["kind"] as? String == "topUp" }.count == 1, "\(account)")
        // A bad amount, a channel the card does not take, an unknown card: refused, nothing changed.
        for (arguments, message) in [
            (["--card", "C2", "--order", "F-0", "--amount", "0"], "more than 0"), (["--card", "C2", "--order", "F-0", "--amount", "-5.00"], "more than 0"),
            (["--card", "C2", "--order", "F-0", "--amount", "abc"], "not an amount"), (["--card", "C404", "--order", "F-0", "--amount", "1.00"], "there is no card C404"),
        ] {
            let refused = try CommandLineRun(["card", "pay"] + card + arguments, environment: environment)
            #expect(refused.status == 1 && refused.stderr.contains(message), "\(arguments): \(refused.stderr)")
        }
        let alipay = try CommandLineRun(["card", "top-up"] + card + ["--card", "C2", "--channel", "alipay", "--order", "TU-3", "--amount", "1.00"], environment: environment)
        #expect(alipay.status == 1 && alipay.stderr.contains("not alipay"), "\(alipay.stderr)")
        #expect(balance(try json(try CommandLineRun(["card", "balance"] + card + ["--card", "C2"], environment: environment))) == 1_230)
    }

    /// `card pay` killed at random moments (-9), then retried under the same order numbers: every fee
    /// is debited exactly once and the day balances.
    @Test(arguments: [SQLDialect.sqlite, .postgres])
    func aPaymentKilledAtAnyMomentIsBookedOnceOnRetry(_ dialect: SQLDialect) async throws {
        let config = directory.appendingPathComponent("hispay.json")
        try Data(#"{"merchants": [{"name": "main", "hospitalcard": {"topUpChannels": ["cash"]}}]}"#.utf8).write(to: config)
        let store = try await TestStores.location(dialect)
        let card = ["--config", config.path, "--store", store]
        #expect(try CommandLineRun(["card", "open", "--create"] + card + ["--card", "C3", "--patient", "P3"]).status == 0)
        #expect(balance(try json(try CommandLineRun(["card", "top-up"] + card + ["--card", "C3", "--channel", "cash", "--order", "KIOSK-1", "--amount", "100.00"]))) == 10_000)
        var killed = 0
        for index in 0..<20 {
            let process = Process()
            process.executableURL = CommandLineRun.executable
            process.arguments = ["card", "pay"] + card + ["--card", "C3", "--order", "FEE-\(index)", "--amount", "1.00"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...120)))
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                killed += 1
            }
            process.waitUntilExit()
        }
        for index in 0..<20 {
            let retried = try CommandLineRun(["card", "pay"] + card + ["--card", "C3", "--order", "FEE-\(index)", "--amount", "1.00"])
            #expect(retried.status == 0, "FEE-\(index): \(retried.stderr)")
        }
        let account = try json(try CommandLineRun(["card", "balance"] + card + ["--card", "C3"]))
        #expect(balance(account) == 10_000 - 20 * 100, "\(killed) killed: \(account)")
        #expect((account["entries"] as? [[String: Any]])?.filter { $0["kind"] as? String == "debit" }.count == 20)
        let day = try json(try CommandLineRun(["card", "statement"] + card))
        #expect(day["balanced"] as? Bool == true && day["closing"] as? Int == 8_000, "\(day)")
    }

    /// The card block is checked as the commands read it; the refund windows' defaults are the
    /// public ones (WeChat Pay 365 days, pay.weixin.qq.com/doc/v3/merchant/4012556457; Alipay 90,
    /// the domestic default; UnionPay 330, "11个月" in UnionPay's ACP refund demo).
    @Test func theCardBlockIsCheckedWithTheOtherChannels() throws {
        #expect(HospitalCardSettings().refundWindowDays == ["wechatpay": 365, "wechatpayV2": 365, "alipay": 90, "unionpay": 330])
        let config = directory.appendingPathComponent("card.json")
        for (block, message) in [
            (#"{"topUpChanels": ["cash"]}"#, "merchants[0].hospitalcard.topUpChanels: is not a known key (did you mean topUpChannels?)"),
            (#"{"refundWindowDays": {"alipay": -1}}"#, "merchants[0].hospitalcard.refundWindowDays.alipay: must be a number of days"),
            (#"{"topUpChannels": "cash"}"#, "merchants[0].hospitalcard.topUpChannels: must be a list of channel names"),
        ] {
            try Data(#"{"merchants": [{"name": "main", "hospitalcard": \#(block)}]}"#.utf8).write(to: config)
            let run = try CommandLineRun(["config-check", "--config", config.path])
            #expect(run.status == 1 && run.stdout.contains(#""path" : ""# + message.prefix { $0 != ":" } + #"""#), "\(block): \(run.stdout)")
            #expect(run.stderr.contains(message), "\(block): \(run.stderr)")
        }
        try Data(#"{"merchants": [{"name": "main", "hospitalcard": {"topUpChannels": ["wechatpay", "cash"], "refundWindowDays": {"alipay": 180}}}]}"#.utf8).write(to: config)
        #expect(try CommandLineRun(["config-check", "--config", config.path]).status == 0)
    }
}
