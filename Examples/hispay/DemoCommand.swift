import ArgumentParser
import Foundation
import HISPay
import Hummingbird
import Logging

/// `hispay demo`: a small hospital day on embedded defaults — the sandbox and the callback gateway
/// in this process on free loopback ports, a SQLite store in a temporary directory — checked as it
/// goes; exits 0 only if everything it checked held.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Run a small hospital day against the built-in sandbox and reconcile it.")

    @Option(help: "Keep the day's files (profile, store, report) here instead of a new temporary directory.")
    var dir: String?

    func run() async throws {
        let started = Date()
        let directory = URL(fileURLWithPath: dir ?? FileManager.default.temporaryDirectory.appendingPathComponent("hispay-demo-\(UUID().uuidString)").path)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var day = Day()

        // The sandbox, the profile it writes, the store and the gateway.
        let keys = try SandboxKeys()
        let deliver = SandboxServer.delivery(CurlTransport(configuration: .init(proxy: .direct)))
        let simulator = WeChatPaySimulator(keys: keys, payDelay: .milliseconds(600), deliver: deliver)
        let alipaySimulator = AlipaySimulator(keys: keys, payDelay: .milliseconds(600), deliver: deliver)
        let (sandboxURLs, sandboxListening) = AsyncStream.makeStream(of: String.self)
        let nhsa = NHSASimulator()
        let sandbox = Task { try await SandboxServer.run(simulator: simulator, alipay: alipaySimulator, nhsa: nhsa, port: 0) { sandboxListening.yield($0) } }
        defer { sandbox.cancel() }
        let sandboxURL = await Self.first(sandboxURLs)
        let configPath = directory.appendingPathComponent("hispay.json")
        try keys.writeConfig(to: configPath, baseURL: sandboxURL, notifyURL: nil)
        let configuration = try HISPayConfiguration.load(path: configPath.path)
        let settings = try CurlTransport.Configuration(settings: configuration.transport)
        let store = try await SQLPaymentStore.open("sqlite:" + directory.appendingPathComponent("store.db").path)
        let centre = NotificationCentre(store: store, routes: try ChannelFactory.callbackRoutes(configuration, transport: settings))
        let (gatewayURLs, gatewayListening) = AsyncStream.makeStream(of: String.self)
        let app = Application(
            router: CallbackGateway.router(centre: centre, store: store),
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "hispay-demo"),
            onServerRunning: { gatewayListening.yield("http://127.0.0.1:\($0.localAddress?.port ?? 0)") }, logger: Self.quiet)
        let gatewayTask = Task { try await app.run() }
        defer { gatewayTask.cancel() }
        let notify = await Self.first(gatewayURLs) + "/notify/sandbox/wechatpay"
        say("HISPay demo — a hospital day against the built-in sandbox (files: \(directory.path))")

        do {
            try await runDay(&day, simulator: simulator, nhsa: nhsa, configuration: configuration, settings: settings, store: store, notify: notify, directory: directory)
        } catch {
            day.check("the day ran without errors (\(error))", false)
        }
        try? await store.close()

        let failed = day.checks.filter { !$0.held }
        let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
        if failed.isEmpty {
            say("All \(day.checks.count) checks held in \(seconds) s.")
        } else {
            for check in failed { say("FAILED: \(check.name)") }
            say("\(failed.count) of \(day.checks.count) checks failed (\(seconds) s).")
            throw ExitCode(1)
        }
    }

    /// What the demo checked, in order.
    struct Day {
        var checks: [(name: String, held: Bool)] = []
        mutating func check(_ name: String, _ held: Bool) { checks.append((name, held)) }
    }

    private func runDay(
        _ day: inout Day, simulator: WeChatPaySimulator, nhsa: NHSASimulator, configuration: HISPayConfiguration, settings: CurlTransport.Configuration,
        store: SQLPaymentStore, notify: String, directory: URL
    ) async throws {
        let merchant = try configuration.merchant(named: "sandbox")
        let plain = try ChannelFactory.paymentChannel(.wechatPay, merchant: merchant, transport: settings)
        let policy = ResolverPolicy(schedule: [0, 0.2])
        let wechat = JournaledChannel(plain, store: store, merchant: "sandbox", policy: policy)
        let resolver = Resolver(store: store, channels: ["sandbox": [.wechatPay: plain]], policy: policy)
        // Faults the sandbox plants: the first QR order's answer is lost (500 SYSTEM_ERROR after it was
        // placed), the second's callback arrives twice, the mini-program order's payment callback comes
        // after its refund's (out of order), one query answer is forged, the first bill download is cut off.
        await simulator.inject(.serverError, pathPrefix: "/v3/pay/transactions/native")
        await simulator.inject(.duplicateCallback, pathPrefix: "/v3/pay/transactions/native")
        await simulator.inject(.lateCallback, pathPrefix: "/v3/pay/transactions/jsapi")
        await simulator.inject(.truncatedStatement, pathPrefix: "/v3/billdownload/file")
        func order(_ number: String, _ fen: Int64, _ scene: PaymentScene, _ subject: String) -> PayRequest {
            PayRequest(outTradeNo: number, amount: Amount(fen: fen), subject: subject, scene: scene, notifyURL: notify)
        }

        // Registrations by QR code and a clinic fee in the mini-program, paid by the (simulated) patients.
        let placed = [
            order("REG-001", 1_000, .qrCode, "挂号费"), order("REG-002", 2_500, .qrCode, "挂号费"), order("REG-003", 5_000, .qrCode, "专家挂号费"),
            order("FEE-001", 12_340, .jsapi(JSAPIPayer(surface: .weChatMiniProgram, payerID: "oDemoPatient")), "门诊缴费"),
        ]
        let lost = try await wechat.pay(placed[0])
        day.check("REG-001's answer lost (SYSTEM_ERROR): outcome unknown, never re-sent", lost.kind == .unknown)
        for request in placed.dropFirst() { day.check("\(request.outTradeNo) placed", try await wechat.pay(request).kind == .pending) }
        let resolved = try await resolver.resolveDue()
        day.check(
            "the resolver queried REG-001 under its own number and found it placed",
            resolved.contains { $0.orderNo == "REG-001" && $0.action == .query && ($0.to == .pending || $0.to == .succeeded) })
        await simulator.inject(.badSignature, pathPrefix: "/v3/pay/transactions/out-trade-no/REG-002")
        do {
            _ = try await plain.query(.outTradeNo("REG-002"))
            day.check("a forged answer is refused", false)
        } catch let error as ChannelError {
            day.check("a forged answer is refused", error.code == .signatureInvalid)
        }
        var paid = 0
        for request in placed {
            for _ in 0..<50 where try await plain.query(.outTradeNo(request.outTradeNo)).kind != .success { try await Task.sleep(for: .milliseconds(100)) }
            if try await plain.query(.outTradeNo(request.outTradeNo)).kind == .success { paid += 1 }
        }
        day.check("4 QR/JSAPI orders paid", paid == 4)

        // A patient cancels part of the clinic fee at once: its refund callback overtakes the payment's.
        let refund = RefundRequest(order: .outTradeNo("FEE-001"), outRefundNo: "FEE-001-R1", refundAmount: Amount(fen: 2_340), totalAmount: Amount(fen: 12_340), reason: "部分退费", notifyURL: notify)
        day.check("FEE-001 partly refunded", try await wechat.refund(refund).kind == .success)

        // At the counter: one barcode payment after the password, one the payer abandons (reversed).
        let barcode = BarcodePaymentPolicy(firstQueryDelay: .milliseconds(100), queryInterval: .milliseconds(100), deadline: .seconds(1))
        let counter = try await barcode.run(order("BAR-001", 3_300, .barcode(authCode: "134567890123456789"), "处方费"), on: wechat) { _ in }
        if case .paid = counter { day.check("barcode BAR-001 paid after the password", true) } else { day.check("barcode BAR-001 paid after the password", false) }
        let abandoned = try await barcode.run(order("BAR-002", 800, .barcode(authCode: "134567890123450000"), "检查费"), on: wechat) { _ in }
        if case .reversed = abandoned { day.check("abandoned barcode BAR-002 reversed", true) } else { day.check("abandoned barcode BAR-002 reversed", false) }


        // An insured outpatient: 2206 → 2207 → the cash part by barcode at the counter, journaled.
        let checkout = CombinedCheckout(
            insurance: try ChannelFactory.insuranceClient(merchant: merchant, transport: settings), cash: wechat,
            journal: StoreCheckoutJournal(store: store))
        let outpatient = OutpatientBill(
            billID: "OPD-001",
            settlement: SettlementRequest(
                personID: "P0001", certificateType: "02", certificateNumber: "ECTOKEN0001", total: Amount(fen: 12_340), visitID: "V0001",
                chargeBatch: "CB0001", useAccount: true, insuranceType: "310"),
            insuredArea: "440100", cashOrderNo: "OPD-001-CASH", subject: "门诊缴费", cashScene: .barcode(authCode: "134567890123456789"))
        var state = try await checkout.run(outpatient)
        for _ in 0..<5 where { if case .completed = state { false } else { true } }() { state = try await checkout.run(outpatient) }
        day.check("combined checkout OPD-001 completed: insurance ¥98.72, cash ¥24.68", state == .completed(settlementID: (try await StoreCheckoutJournal(store: store).record(for: "OPD-001"))?.settlementID ?? "", cash: Amount(fen: 2_468)))
        day.check("exactly one insurance settlement booked", await nhsa.activeSettlements == 1)

        // A registration paid with Alipay by QR.
        let alipayPlain = try ChannelFactory.paymentChannel(.alipay, merchant: merchant, transport: settings)
        let alipay = JournaledChannel(alipayPlain, store: store, merchant: "sandbox", policy: policy)
        let alipayNotify = notify.replacingOccurrences(of: "/wechatpay", with: "/alipay")
        _ = try await alipay.pay(PayRequest(outTradeNo: "ALI-001", amount: Amount(fen: 1_500), subject: "挂号费", scene: .qrCode, notifyURL: alipayNotify))
        var alipayPaid = false
        for _ in 0..<50 where !alipayPaid {
            alipayPaid = try await alipay.query(.outTradeNo("ALI-001")).kind == .success
            if !alipayPaid { try await Task.sleep(for: .milliseconds(100)) }
        }
        day.check("Alipay QR registration ALI-001 paid", alipayPaid)

        // Callbacks arrive through the gateway, each recorded once.
        var events: [StoredEvent] = []
        for _ in 0..<100 {
            events = try await store.events(after: 0, limit: 100)
            if events.count >= 6 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        day.check(
            "6 callbacks recorded once each (5 payments, 1 refund; REG-002's sent twice)",
            events.count == 6 && Set(events.map(\.event.deduplicationKey)).count == 6)
        day.check("REG-001 booked after all", try await store.entry(merchant: "sandbox", channel: .wechatPay, orderNo: "REG-001")?.state == .succeeded)
        let order = events.firstIndex { $0.event.outRefundNo == "FEE-001-R1" }.flatMap { refundAt in
            events.firstIndex { $0.event.outTradeNo == "FEE-001" && $0.event.kind == .paymentSucceeded }.map { refundAt < $0 }
        }
        day.check("FEE-001's refund callback came before its payment callback", order == true)
        day.check(
            "the late payment callback did not undo the refund: FEE-001 stays refunded",
            try await store.entry(merchant: "sandbox", channel: .wechatPay, orderNo: "FEE-001")?.state == .refunded)
        let journal = try await store.entry(merchant: "sandbox", channel: .wechatPay, orderNo: "BAR-002")
        day.check("the journal holds the reversed payment closed", journal?.state == .closed)
        say("WeChat Pay: 4 QR/JSAPI orders and 1 barcode payment paid, 1 barcode payment reversed, 1 partial refund; Alipay: 1 QR order paid")
        say("Insurance: OPD-001 settled — fund ¥74.04 and personal account ¥24.68 by the NHSA, cash ¥24.68 by WeChat Pay barcode")
        say("Callbacks: \(events.count) recorded once each through the gateway")
        say("Faults: a lost answer resolved by query, a duplicated callback recorded once, a refund callback before its payment's, a forged answer and a cut-off bill refused")

        // The statement, the HIS ledger (the journal, with two planted mistakes) and reconciliation.
        let today = String(BeijingTime.format(Date()).prefix(10))
        do {
            _ = try await plain.downloadStatement(try StatementRequest(date: today))
            day.check("a cut-off bill download is refused", false)
        } catch let error as ChannelError {
            day.check("a cut-off bill download is refused", error.code == .invalidResponse && error.reason.contains("SHA-1"))
        }
        let statement = try await plain.downloadStatement(try StatementRequest(date: today))
        let alipayBill = try await alipayPlain.downloadStatement(try StatementRequest(date: today))
        var ledger = try await JournalLedger.rows(store, merchant: "sandbox", date: today).rows
        ledger.removeAll { $0.outTradeNo == "REG-003" && $0.kind == .payment }  // planted: the HIS lost a paid registration
        ledger.append(LedgerRecord(channel: .wechatPay, kind: .payment, outTradeNo: "REG-009", amount: Amount(fen: 2_000), time: Date()))  // planted: booked, never paid
        let (report, carry) = try Reconciler(date: today, cutOff: 0).run(
            ledger: LedgerRows(ledger),
            statements: [
                { handle in _ = try WeChatPayBillParser.parse(lines: LineReader(data: statement.contents), channel: .wechatPay, handle) },
                { handle in _ = try AlipayBillParser.parse(archive: alipayBill.contents, handle) },
            ])
        let out = directory.appendingPathComponent("report")
        try ReportFiles.write(report, carryOver: carry, to: out)
        let summary = report.summary
        day.check("reconciliation matched the 6 payments (5 WeChat, 1 Alipay) and the refund both sides have", summary.matched == 7)
        day.check("reconciliation found the planted channel-only REG-003", report.discrepancies.contains { $0.kind == .channelOnly && $0.outTradeNo == "REG-003" })
        day.check("reconciliation found the planted HIS-only REG-009", report.discrepancies.contains { $0.kind == .hisOnly && $0.outTradeNo == "REG-009" })
        day.check("nothing else disagreed", report.discrepancies.count == 2)
        say("Reconciliation \(today), WeChat Pay bill and Alipay archive against the journal: matched \(summary.matched), channel-only \(summary.channelOnly), HIS-only \(summary.hisOnly), amount \(summary.amountMismatch), status \(summary.statusMismatch), duplicate \(summary.duplicate)")
        for item in report.discrepancies { say("  \(item.kind) \(item.outTradeNo): \(item.action)") }
        say("Report: \(out.appendingPathComponent("report.html").path)")
    }

    static var quiet: Logger {
        // Shutting the in-process servers down at the end logs a cancellation: not worth a line.
        var logger = Logger(label: "hispay.demo")
        logger.logLevel = .critical
        return logger
    }

    private func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

    private static func first(_ stream: AsyncStream<String>) async -> String {
        for await value in stream { return value }
        return ""
    }
}
