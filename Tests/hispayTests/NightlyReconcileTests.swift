import Foundation
import HISPay
import HISPayTestSupport
import Testing

/// The nightly run (`hispay reconcile --config --store --date`, no `--statement`) over two merchants
/// (campuses, each its own `hispay sandbox --publication-hours`) and three channels, on two
/// consecutive days. The simulators follow the channels' publication calendars: WeChat Pay answers
/// `STATEMENT_CREATING` until 10:00 the next day (https://pay.weixin.qq.com/doc/v3/merchant/4013071254),
/// Alipay's bill is out from 09:00 (alipay/alipay-sdk-java-all v3/docs/AlipayDataDataserviceBillDownloadurlApi.md),
/// UnionPay's file transfer answers `98` before 09:00. The HIS side is the payment journal the
/// payments were made through; the carry-over lives in the store.
@Suite(.serialized) struct NightlyReconcileTests {
    let directory: URL
    let north: ServerProcess
    let south: ServerProcess
    let config: URL
    let storeLocation: String
    let hisClock = ManualTimeSource(BeijingTime.parse("2026-11-30 10:00:00") ?? Date())

    init() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hispay-nightly-\(UUID().uuidString)")
        var merchants: [[String: Any]] = []
        var started: [ServerProcess] = []
        for name in ["north", "south"] {
            let folder = directory.appendingPathComponent(name)
            let written = folder.appendingPathComponent("hispay.json")
            started.append(try ServerProcess(["sandbox", "--port", "0", "--write-config", written.path, "--pay-delay", "0", "--publication-hours"]))
            let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: written)) as? [String: Any])
            var merchant = try #require((json["merchants"] as? [[String: Any]])?.first)
            merchant["name"] = name
            // Three channels; key files named relative to the merged file.
            merchant = merchant.filter { ["name", "wechatpay", "alipay", "unionpay"].contains($0.key) }
                .mapValues { Self.prefixFiles($0, folder: folder, prefix: name + "/") }
            merchants.append(merchant)
        }
        (north, south) = (started[0], started[1])
        config = directory.appendingPathComponent("group.json")
        let partner: [String: Any] = [
            "name": "jk160", "displayName": "健康160", "skipRows": 1, "footerRows": 1,
            "columns": ["orderNo": "医院订单号", "amount": "支付金额", "time": "下单时间", "status": "订单状态", "commission": "佣金"],
        ]
        try JSONSerialization.data(withJSONObject: ["transport": ["proxy": "direct"], "merchants": merchants, "partners": [partner]]).write(to: config)
        storeLocation = "sqlite:" + directory.appendingPathComponent("journal.db").path
    }

    /// A config value with every string naming a file in `folder` given as `prefix` + name.
    static func prefixFiles(_ value: Any, folder: URL, prefix: String) -> Any {
        switch value {
        case let text as String: FileManager.default.fileExists(atPath: folder.appendingPathComponent(text).path) && !text.isEmpty ? prefix + text : text
        case let list as [Any]: list.map { prefixFiles($0, folder: folder, prefix: prefix) }
        case let block as [String: Any]: block.mapValues { prefixFiles($0, folder: folder, prefix: prefix) }
        default: value
        }
    }

    func setClock(_ sandbox: ServerProcess, _ now: String) async throws {
        let body = try JSONSerialization.data(withJSONObject: ["now": now, "publicationHours": true])
        let answer = try await CurlTransport(configuration: .init(proxy: .direct)).send(HTTPRequest(method: "POST", url: sandbox.url + "/sandbox/clock", body: body))
        #expect(answer.status == 200, "\(String(decoding: answer.body, as: UTF8.self))")
    }

    /// Pays `number` by QR code through the journal: the simulator books it at its clock, the HIS at `hisTime`.
    func pay(_ merchant: String, _ channel: ChannelID, _ number: String, fen: Int64, hisTime: String, store: SQLPaymentStore) async throws {
        let configuration = try ChannelRegistry.standard.loadConfiguration(path: config.path)
        let inner = try ChannelRegistry.standard.channel(
            channel, merchant: try configuration.merchant(named: merchant), transports: try CurlTransport.Configuration(settings: configuration.transport))
        hisClock.set(try #require(BeijingTime.parse(hisTime)))
        let journaled = JournaledChannel(inner, store: store, merchant: merchant, time: hisClock)
        _ = try await journaled.pay(PayRequest(outTradeNo: number, amount: Amount(fen: fen), subject: "挂号费", scene: .qrCode))
        var state = try await store.entry(merchant: merchant, channel: channel, orderNo: number)?.state
        for _ in 0..<50 where state != .succeeded {
            try await Task.sleep(for: .milliseconds(50))
            _ = try await journaled.query(.outTradeNo(number))
            state = try await store.entry(merchant: merchant, channel: channel, orderNo: number)?.state
        }
        #expect(state == .succeeded, "\(merchant) \(channel) \(number)")
    }

    func reconcile(_ date: String, out: String, _ extra: [String] = []) throws -> (run: CommandLineRun, output: [String: Any]) {
        let run = try CommandLineRun(
            ["reconcile", "--config", config.path, "--store", storeLocation, "--date", date, "--out", directory.appendingPathComponent(out).path, "--retry-every", "1"] + extra)
        let output = (try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]) ?? [:]
        return (run, output)
    }

    func section(_ out: String, _ merchant: String) throws -> [String: Any] {
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent(out).appendingPathComponent("report.json"))) as? [String: Any])
        let sections = try #require(report["sections"] as? [[String: Any]])
        return try #require(sections.first { $0["merchant"] as? String == merchant })
    }

    func summary(_ section: [String: Any]) throws -> [String: Int] {
        try #require((section["report"] as? [String: Any])?["summary"] as? [String: Int])
    }

    /// Every channel and kind of a section: each side's total = matched + its buckets.
    func expectTotalsAddUp(_ section: [String: Any]) throws {
        let totals = try #require((section["report"] as? [String: Any])?["totals"] as? [[String: Any]])
        for total in totals {
            for (side, amountKey) in [("hisBuckets", "hisAmount"), ("channelBuckets", "channelAmount")] {
                let buckets = try #require(total[side] as? [String: [String: Int]])
                #expect(buckets.values.reduce(0) { $0 + ($1["amount"] ?? 0) } == total[amountKey] as? Int, "\(total)")
            }
        }
    }

    @Test func twoMerchantsThreeChannelsTwoNightsWithTheCarryOverResolved() async throws {
        // Day 1 (2026-11-30): both campuses take payments on every channel; one WeChat Pay payment of
        // north's is booked by the HIS at 23:59:40 and by WeChat Pay at 00:00:20 the next day.
        var store = try await SQLPaymentStore.open(storeLocation)
        for sandbox in [north, south] { try await setClock(sandbox, "2026-11-30 10:00:00") }
        try await pay("north", .wechatPay, "N1WX", fen: 1200, hisTime: "2026-11-30 10:00:01", store: store)
        try await pay("north", .alipay, "N2ALI", fen: 2345, hisTime: "2026-11-30 10:00:02", store: store)
        try await pay("north", .unionPay, "N3UNIONPAY", fen: 500, hisTime: "2026-11-30 10:00:03", store: store)
        try await pay("south", .wechatPay, "S1WX", fen: 777, hisTime: "2026-11-30 11:00:00", store: store)
        try await pay("south", .unionPay, "S2UNIONPAY", fen: 999, hisTime: "2026-11-30 11:00:01", store: store)
        try await setClock(north, "2026-12-01 00:00:20")
        try await pay("north", .wechatPay, "N4WX", fen: 800, hisTime: "2026-11-30 23:59:40", store: store)
        try await store.close()

        // 09:30 the next morning: Alipay and UnionPay are out, WeChat Pay is not. Without waiting,
        // the run says so (exit 4) and leaves WeChat Pay's rows for a rerun.
        for sandbox in [north, south] { try await setClock(sandbox, "2026-12-01 09:30:00") }
        let early = try reconcile("2026-11-30", out: "early", ["--give-up-after", "0"])
        #expect(early.run.status == 4, "\(early.run.stderr)")
        #expect(early.output["attention"] as? String == "incomplete")
        let earlyNorth = try section("early", "north")
        let earlyStatements = try #require(earlyNorth["statements"] as? [[String: Any]])
        #expect(earlyStatements.first { $0["channel"] as? String == "wechatpay" }?["state"] as? String == "unavailable")
        #expect((earlyNorth["notReconciled"] as? [String: [String: Int]])?["wechatpay"] == ["count": 2, "amount": 2000])
        #expect(try summary(earlyNorth)["matched"] == 2)  // Alipay and UnionPay

        // 09:59:58: the run asks WeChat Pay again every second until it publishes at 10:00.
        for sandbox in [north, south] { try await setClock(sandbox, "2026-12-01 09:59:58") }
        let first = try reconcile("2026-11-30", out: "day1")
        #expect(first.run.status == 0, "\(first.run.stdout) \(first.run.stderr)")
        #expect(first.output["attention"] as? String == "none")
        let northDay1 = try section("day1", "north")
        let wechat = try #require((northDay1["statements"] as? [[String: Any]])?.first { $0["channel"] as? String == "wechatpay" })
        #expect(wechat["state"] as? String == "downloaded" && (wechat["attempts"] as? Int ?? 0) >= 2, "\(wechat)")
        #expect(try summary(northDay1)["matched"] == 3 && summary(northDay1)["carriedOver"] == 1)
        let southDay1 = try section("day1", "south")
        #expect(try summary(southDay1)["matched"] == 2)
        #expect((southDay1["statements"] as? [[String: Any]])?.first { $0["channel"] as? String == "alipay" }?["state"] as? String == "downloaded")
        for section in [northDay1, southDay1] { try expectTotalsAddUp(section) }
        let page = try String(contentsOf: directory.appendingPathComponent("day1/report.html"), encoding: .utf8)
        #expect(page.contains(#"id="merchant-north""#) && page.contains(#"id="merchant-south""#) && page.contains("全院区对账报告"))
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("day1/north/report.html").path))
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("day1/north/inputs/his-journal.csv").path))

        // The same night with a resource-pool partner's XLSX export (Fixtures/partners, written by
        // openpyxl): its orders sold at both campuses are matched three ways across the group; a
        // payment and a refund only the partner lists are for a person.
        let partnerFile = Fixtures.url("partners/jk160-2026-11-30.xlsx")
        let withPartner = try reconcile("2026-11-30", out: "day1-partners", ["--partner", "jk160=" + partnerFile.path])
        #expect(withPartner.run.status == 3, "\(withPartner.run.stdout) \(withPartner.run.stderr)")
        let group = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("day1-partners/report.json"))) as? [String: Any])
        let jk160 = try #require((group["partners"] as? [[String: Any]])?.first)
        let partnerBuckets = try #require(jk160["buckets"] as? [String: [String: Int]])
        #expect(partnerBuckets["matched"] == ["count": 2, "amount": 1977] && partnerBuckets["partnerOnly"] == ["count": 2, "amount": 2530])
        #expect(jk160["commission"] as? Int == 224 && jk160["settlement"] as? Int == 4477 - 30 - 224)
        #expect(try summary(try section("day1-partners", "north"))["matched"] == 3)
        let partnerPage = try String(contentsOf: directory.appendingPathComponent("day1-partners/report.html"), encoding: .utf8)
        #expect(partnerPage.contains("合作方对账（号源池）") && partnerPage.contains("P9GHOST"))

        // Day 2 (2026-12-01): north's carried payment appears on WeChat Pay's bill and is matched;
        // south's HIS booked a payment no channel took — a discrepancy for a person (exit 3).
        store = try await SQLPaymentStore.open(storeLocation)
        for sandbox in [north, south] { try await setClock(sandbox, "2026-12-01 10:30:00") }
        try await pay("north", .alipay, "N5ALI", fen: 300, hisTime: "2026-12-01 10:30:01", store: store)
        try await store.save(JournalEntry(
            merchant: "south", channel: .alipay, orderNo: "S3LOST", operation: .pay, amount: Amount(fen: 4200), state: .succeeded,
            updatedAt: try #require(BeijingTime.parse("2026-12-01 12:00:00"))))
        try await store.close()
        for sandbox in [north, south] { try await setClock(sandbox, "2026-12-02 10:30:00") }
        let second = try reconcile("2026-12-01", out: "day2")
        #expect(second.run.status == 3, "\(second.run.stdout) \(second.run.stderr)")
        #expect(second.output["attention"] as? String == "discrepancies")
        let northDay2 = try section("day2", "north")
        #expect(try summary(northDay2)["matched"] == 2 && summary(northDay2)["carriedOver"] == 0 && summary(northDay2)["hisOnly"] == 0)
        let carried = try #require((northDay2["report"] as? [String: Any])?["totals"] as? [[String: Any]])
            .first { $0["channel"] as? String == "wechatpay" && $0["kind"] as? String == "payment" }
        #expect((carried?["hisBuckets"] as? [String: [String: Int]])?["matched"] == ["count": 1, "amount": 800])
        let southDay2 = try section("day2", "south")
        #expect(try summary(southDay2)["hisOnly"] == 1)
        let statements = try #require(southDay2["statements"] as? [[String: Any]])
        #expect(statements.first { $0["channel"] as? String == "wechatpay" }?["state"] as? String == "empty")  // NO_STATEMENT_EXIST
        for section in [northDay2, southDay2] { try expectTotalsAddUp(section) }
    }
}
