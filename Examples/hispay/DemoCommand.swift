import ArgumentParser
import Foundation
import HISPay
import HISPayGateway
import HISPayTesting
import Hummingbird
import Logging

/// `hispay demo`: a small hospital day on embedded defaults — the sandbox and the callback gateway
/// in this process on free loopback ports, a SQLite store in a temporary directory — checked as it
/// goes; exits 0 only if everything it checked held.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Run a small hospital day against the built-in sandbox and reconcile it.")

    @Option(help: "Keep the day's files (profile, keys, store, report) here instead of in a temporary directory removed at the end.")
    var dir: String?

    @Flag(help: "Let --dir be a folder that is not empty: the demo's files in it (profile, keys, store, report) are replaced.")
    var force = false

    @Flag(help: "List what the demo checks, one per line, and exit without running it.")
    var listChecks = false

    func run() async throws {
        if listChecks {
            for (number, check) in DemoCheck.allCases.enumerated() { say("\(number + 1). \(check.rawValue)") }
            return
        }
        let started = Date()
        let directory = try Self.directory(dir, force: force)
        // A temporary directory goes when the demo ends; --dir keeps the day's files.
        defer { if dir == nil { try? FileManager.default.removeItem(at: directory) } }
        var day = Day()

        // The sandbox, the profile it writes, the store and the gateway.
        let keys = try SandboxKeys()
        let deliver = SandboxServer.delivery(CurlTransport(configuration: .init(proxy: .direct)))
        let simulator = WeChatPaySimulator(keys: keys, payDelay: .milliseconds(600), deliver: deliver)
        let alipaySimulator = AlipaySimulator(keys: keys, payDelay: .milliseconds(600), deliver: deliver)
        let (sandboxURLs, sandboxListening) = AsyncStream.makeStream(of: String.self)
        let unionPaySimulator = UnionPaySimulator(keys: keys.unionPay, payDelay: .milliseconds(600), deliver: deliver)
        let nhsa = NHSASimulator()
        let sandbox = Task {
            try await SandboxServer.run(simulator: simulator, alipay: alipaySimulator, nhsa: nhsa, unionPay: unionPaySimulator, port: 0) { sandboxListening.yield($0) }
        }
        defer { sandbox.cancel() }
        let sandboxURL = await Self.first(sandboxURLs)
        let configPath = directory.appendingPathComponent("hispay.json")
        try keys.writeConfig(to: configPath, baseURL: sandboxURL, notifyURL: nil)
        let configuration = try HISPayConfiguration.load(path: configPath.path)
        let settings = try CurlTransport.Configuration(settings: configuration.transport)
        let store = try await SQLPaymentStore.open("sqlite:" + directory.appendingPathComponent("store.db").path)
        let centre = NotificationCentre(store: store, routes: try ChannelOption.registry.callbackRoutes(configuration, transports: settings))
        let (gatewayURLs, gatewayListening) = AsyncStream.makeStream(of: String.self)
        let app = Application(
            router: CallbackGateway(centre: centre, store: store, registry: ChannelOption.registry).notifyRouter(),
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "hispay-demo"),
            onServerRunning: { gatewayListening.yield("http://127.0.0.1:\($0.localAddress?.port ?? 0)") }, logger: Self.quiet)
        let gatewayTask = Task { try await app.run() }
        defer { gatewayTask.cancel() }
        let notify = await Self.first(gatewayURLs) + "/notify/sandbox/wechatpay"
        say("HISPay demo — a hospital day against the built-in sandbox (files: \(dir == nil ? "a temporary directory, removed at the end; --dir DIR keeps them" : directory.path))")

        do {
            try await runDay(&day, simulator: simulator, nhsa: nhsa, configuration: configuration, settings: settings, store: store, notify: notify, directory: directory)
        } catch {
            day.stopped = "the day stopped: \(error)"
        }
        try? await store.close()

        let failed = day.failures
        let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
        if failed.isEmpty {
            say("All \(DemoCheck.allCases.count) checks held in \(seconds) s.")
        } else {
            for failure in failed { say("FAILED: \(failure)") }
            say("\(failed.count) of \(DemoCheck.allCases.count) checks failed (\(seconds) s).")
            throw ExitCode(1)
        }
    }

    /// Where the day's files go: `dir` — which must be empty or new unless `force`, when the demo's
    /// own store and report in it are removed first — or a new temporary directory.
    static func directory(_ dir: String?, force: Bool) throws -> URL {
        let files = FileManager.default
        guard let dir else {
            let directory = files.temporaryDirectory.appendingPathComponent("hispay-demo-\(UUID().uuidString)")
            try CLIFiles.createDirectory(directory)
            return directory
        }
        let directory = URL(fileURLWithPath: dir)
        var isDirectory: ObjCBool = false
        if files.fileExists(atPath: dir, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw CLIError("--dir \(dir) is a file, not a folder") }
            let contents = (try? files.contentsOfDirectory(atPath: dir)) ?? []
            if !contents.isEmpty {
                guard force else { throw CLIError("--dir \(dir) is not empty: give --force to replace the demo's files in it (hispay.json, keys, store.db, report)") }
                for name in ["store.db", "store.db-wal", "store.db-shm", "report"] { try? files.removeItem(at: directory.appendingPathComponent(name)) }
            }
        }
        try CLIFiles.createDirectory(directory)
        return directory
    }

    /// What the demo checked, in order, and why it stopped early if it did.
    struct Day {
        var checks: [(check: DemoCheck, held: Bool)] = []
        var stopped: String?
        mutating func check(_ check: DemoCheck, _ held: Bool) { checks.append((check, held)) }

        /// Every check that failed, was not made, or was made twice; the error that stopped the day.
        var failures: [String] {
            var failures = stopped.map { [$0] } ?? []
            for check in DemoCheck.allCases {
                let made = checks.filter { $0.check == check }
                if made.isEmpty {
                    failures.append("\(check.rawValue) (not checked)")
                } else if made.count > 1 {
                    failures.append("\(check.rawValue) (checked \(made.count) times)")
                } else if !made[0].held {
                    failures.append(check.rawValue)
                }
            }
            return failures
        }
    }

    private func runDay(
        _ day: inout Day, simulator: WeChatPaySimulator, nhsa: NHSASimulator, configuration: HISPayConfiguration, settings: CurlTransport.Configuration,
        store: SQLPaymentStore, notify: String, directory: URL
    ) async throws {
        let merchant = try configuration.merchant(named: "sandbox")
        let plain = try ChannelOption.registry.channel(.wechatPay, merchant: merchant, transports: settings)
        let alipayPlain = try ChannelOption.registry.channel(.alipay, merchant: merchant, transports: settings)
        let unionPayPlain = try ChannelOption.registry.channel(.unionPay, merchant: merchant, transports: settings)
        let policy = ResolverPolicy(schedule: [0, 0.2])
        let wechat = JournaledChannel(plain, store: store, merchant: "sandbox", policy: policy)
        let alipay = JournaledChannel(alipayPlain, store: store, merchant: "sandbox", policy: policy)
        let unionPay = JournaledChannel(unionPayPlain, store: store, merchant: "sandbox", policy: policy)
        let resolver = Resolver(store: store, channels: ["sandbox": [.wechatPay: plain, .alipay: alipayPlain, .unionPay: unionPayPlain]], policy: policy)
        // Faults the sandbox plants: the first QR order's answer is lost (500 SYSTEM_ERROR after it was
        // placed), the second's callback arrives twice, the fourth's answer comes after the client gave
        // up waiting, the mini-program order's payment callback comes after its refund's (out of
        // order), one query answer is forged, the first bill download is cut off.
        await simulator.inject(.serverError, pathPrefix: "/v3/pay/transactions/native")
        await simulator.inject(.duplicateCallback, pathPrefix: "/v3/pay/transactions/native")
        await simulator.inject(.lateCallback, pathPrefix: "/v3/pay/transactions/jsapi")
        await simulator.inject(.truncatedStatement, pathPrefix: "/v3/billdownload/file")
        func order(_ number: String, _ fen: Int64, _ scene: PaymentScene, _ subject: String, notify channel: String = "wechatpay") -> PayRequest {
            PayRequest(outTradeNo: number, amount: Amount(fen: fen), subject: subject, scene: scene, notifyURL: notify.replacingOccurrences(of: "/wechatpay", with: "/" + channel))
        }
        func paid(_ channel: some PaymentChannel, _ number: String) async throws -> Bool {
            for _ in 0..<50 {
                if try await channel.query(.outTradeNo(number)).kind == .success { return true }
                try await Task.sleep(for: .milliseconds(100))
            }
            return false
        }

        // WeChat Pay: registrations by QR code and a clinic fee in the mini-program, paid by the (simulated) patients.
        let placed = [
            order("REG-001", 1_000, .qrCode, "挂号费"), order("REG-002", 2_500, .qrCode, "挂号费"), order("REG-003", 5_000, .qrCode, "专家挂号费"),
            order("FEE-001", 12_340, .jsapi(JSAPIPayer(surface: .weChatMiniProgram, payerID: "oDemoPatient")), "门诊缴费"),
        ]
        let lost = try await wechat.pay(placed[0])
        day.check(.reg001AnswerLost, lost.kind == .unknown)
        for (request, check) in zip(placed.dropFirst(), [DemoCheck.reg002Placed, .reg003Placed, .fee001Placed]) { day.check(check, try await wechat.pay(request).kind == .pending) }
        let resolved = try await resolver.resolveDue()
        day.check(
            .resolverFoundREG001,
            resolved.contains { $0.orderNo == "REG-001" && $0.action == .query && ($0.to == .pending || $0.to == .succeeded) })
        await simulator.inject(.slow, pathPrefix: "/v3/pay/transactions/native")
        var impatient = settings
        impatient.defaultTimeout = .seconds(1)
        let hurried = JournaledChannel(try ChannelOption.registry.channel(.wechatPay, merchant: merchant, transports: impatient), store: store, merchant: "sandbox", policy: policy)
        // (Its callback goes to the profile's sink, so only the resolver can learn what became of it.)
        let timedOut = try? await hurried.pay(PayRequest(outTradeNo: "REG-004", amount: Amount(fen: 1_000), subject: "挂号费", scene: .qrCode))
        let afterTimeout = try await store.entry(merchant: "sandbox", channel: .wechatPay, orderNo: "REG-004")?.state
        day.check(.reg004TimedOut, (timedOut == nil || timedOut?.kind == .unknown) && afterTimeout == .unknown)
        let resolvedAgain = try await resolver.resolveDue()
        day.check(
            .resolverFoundREG004,
            resolvedAgain.contains { $0.orderNo == "REG-004" && $0.action == .query && ($0.to == .pending || $0.to == .succeeded) })
        await simulator.inject(.badSignature, pathPrefix: "/v3/pay/transactions/out-trade-no/REG-002")
        do {
            _ = try await plain.query(.outTradeNo("REG-002"))
            day.check(.forgedAnswerRefused, false)
        } catch let error as ChannelError {
            day.check(.forgedAnswerRefused, error.code == .signatureInvalid)
        }
        var paidCount = 0
        for number in placed.map(\.outTradeNo) + ["REG-004"] where try await paid(wechat, number) { paidCount += 1 }
        day.check(.weChatOrdersPaid, paidCount == 5)

        // A patient cancels part of the clinic fee at once: its refund callback overtakes the payment's.
        let refund = RefundRequest(order: .outTradeNo("FEE-001"), outRefundNo: "FEE-001-R1", refundAmount: Amount(fen: 2_340), totalAmount: Amount(fen: 12_340), reason: "部分退费", notifyURL: notify)
        day.check(.fee001Refunded, try await wechat.refund(refund).kind == .success)

        // At the counter: one barcode payment after the password, one the payer abandons (reversed).
        let barcode = BarcodePaymentPolicy(firstQueryDelay: .milliseconds(100), queryInterval: .milliseconds(100), deadline: .seconds(1))
        let counter = try await barcode.run(order("BAR-001", 3_300, .barcode(authCode: "134567890123456789"), "处方费"), on: wechat) { _ in }
        if case .paid = counter { day.check(.bar001Paid, true) } else { day.check(.bar001Paid, false) }
        let abandoned = try await barcode.run(order("BAR-002", 800, .barcode(authCode: "134567890123450000"), "检查费"), on: wechat) { _ in }
        if case .reversed = abandoned { day.check(.bar002Reversed, true) } else { day.check(.bar002Reversed, false) }

        // Insured outpatients on the national platform: the outpatient flow, a lost answer, an undo, 3201 and 3202.
        let insuranceDay = try await insuranceDay(&day, nhsa: nhsa, merchant: merchant, settings: settings, store: store, cash: wechat)
        let today = BeijingTime.day(Date())

        // Alipay: a registration by QR, a clinic fee in the service window (生活号), a barcode payment at the counter.
        _ = try await alipay.pay(order("ALI-001", 1_500, .qrCode, "挂号费", notify: "alipay"))
        _ = try await alipay.pay(order("ALI-JS-001", 4_200, .jsapi(JSAPIPayer(surface: .alipayServiceWindow, payerID: "2088102000000001")), "门诊缴费", notify: "alipay"))
        let alipayPaid = try await paid(alipay, "ALI-001")
        day.check(.alipayOrdersPaid, try await paid(alipay, "ALI-JS-001") && alipayPaid)
        let alipayCounter = try await barcode.run(order("ALI-BAR-001", 2_600, .barcode(authCode: "286812345678901234"), "处方费"), on: alipay) { _ in }
        if case .paid = alipayCounter { day.check(.alipayBarcodePaid, true) } else { day.check(.alipayBarcodePaid, false) }

        // UnionPay: a registration by QR (partly refunded), a payer-presented code, and an inpatient
        // deposit frozen on admission and partly captured at discharge.
        _ = try await unionPay.pay(order("UPQR0001", 1_800, .qrCode, "挂号费", notify: "unionpay"))
        day.check(.unionPayQRPaid, try await paid(unionPay, "UPQR0001"))
        _ = try await unionPay.pay(order("UPBAR0001", 5_600, .barcode(authCode: "6223456789012345678"), "检查费", notify: "unionpay"))
        day.check(.unionPayPayerCodePaid, try await paid(unionPay, "UPBAR0001"))
        let upRefund = RefundRequest(order: .outTradeNo("UPQR0001"), outRefundNo: "UPQR0001R1", refundAmount: Amount(fen: 800), totalAmount: Amount(fen: 1_800), reason: "部分退费", notifyURL: notify.replacingOccurrences(of: "/wechatpay", with: "/unionpay"))
        day.check(.unionPayRefundAccepted, try await unionPay.refund(upRefund).kind == .pending)
        let deposit = try await unionPay.freeze(FreezeRequest(
            outOrderNo: "UPAUTH0001", outRequestNo: "UPAUTH0001", amount: Amount(fen: 500_000), title: "住院押金", authCode: "6223456789012345678",
            notifyURL: notify.replacingOccurrences(of: "/wechatpay", with: "/unionpay")))
        let captured = try await unionPay.capture(CaptureRequest(authorizationID: deposit.value?.authorizationID ?? "", outTradeNo: "UPCAP0001", amount: Amount(fen: 321_000), subject: "住院结算"))
        let capturePaid = try await paid(unionPay, "UPCAP0001")
        day.check(
            .depositCaptured,
            deposit.value?.frozen == Amount(fen: 500_000) && captured.kind == .pending && capturePaid)
        let cancelled = try await unionPay.freeze(FreezeRequest(
            outOrderNo: "UPAUTH0002", outRequestNo: "UPAUTH0002", amount: Amount(fen: 200_000), title: "住院押金", authCode: "6223456789012345678",
            notifyURL: notify.replacingOccurrences(of: "/wechatpay", with: "/unionpay")))
        _ = try await unionPay.release(ReleaseRequest(
            authorizationID: cancelled.value?.authorizationID ?? "", outRequestNo: "UPAUTH0002R", amount: Amount(fen: 200_000), remark: "取消入院"))
        // The release's notice goes to the profile's default backUrl: settled by query, as the resolver would.
        let release = try await unionPay.query(.outTradeNo("UPAUTH0002R"))
        day.check(.depositReleased, cancelled.value?.frozen == Amount(fen: 200_000) && release.kind == .success)

        // An inpatient's hospital card: topped up and withdrawn on WeChat Pay.
        let card = try await cardStay(&day, store: store, wechat: wechat, notify: notify)

        // Callbacks arrive through the gateway, each recorded once.
        let expected: [ChannelID: Int] = [.wechatPay: 7, .alipay: 2, .unionPay: 5]
        var events: [StoredEvent] = []
        for _ in 0..<100 {
            events = try await store.events(after: 0, limit: 100)
            if events.count >= expected.values.reduce(0, +) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let perChannel = Dictionary(grouping: events, by: \.event.channel).mapValues(\.count)
        day.check(
            .callbacksRecordedOnce,
            perChannel == expected && Set(events.map(\.event.deduplicationKey)).count == events.count)
        var booked = true
        for number in ["REG-001", "REG-004"] { booked = try await store.entry(merchant: "sandbox", channel: .wechatPay, orderNo: number)?.state == .succeeded && booked }
        day.check(.lostOrdersBooked, booked)
        let order = events.firstIndex { $0.event.outRefundNo == "FEE-001-R1" }.flatMap { refundAt in
            events.firstIndex { $0.event.outTradeNo == "FEE-001" && $0.event.kind == .paymentSucceeded }.map { refundAt < $0 }
        }
        day.check(.refundCallbackFirst, order == true)
        day.check(
            .lateCallbackKeptRefund,
            try await store.entry(merchant: "sandbox", channel: .wechatPay, orderNo: "FEE-001")?.state == .refunded)
        day.check(.reversedPaymentClosed, try await store.entry(merchant: "sandbox", channel: .wechatPay, orderNo: "BAR-002")?.state == .closed)
        day.check(.unionPayRefundBooked, try await store.entry(merchant: "sandbox", channel: .unionPay, orderNo: "UPQR0001R1")?.state == .succeeded)
        say("WeChat Pay: 5 QR/JSAPI orders and 1 barcode payment paid, 1 barcode payment reversed, 1 partial refund")
        say("Alipay: QR, service-window and barcode payments paid; UnionPay: QR and payer-code payments paid, 1 partial refund, a ¥5000.00 deposit frozen and ¥3210.00 captured, a ¥2000.00 deposit frozen and released")
        say(insuranceDay.summary)
        say("Callbacks: \(events.count) recorded once each through the gateway")
        say("Faults: a lost answer and a client timeout resolved by query, a lost insurance answer found by query after a refused reversal, a duplicated callback recorded once, a refund callback before its payment's, a forged answer and a cut-off bill refused")

        // The statements, the HIS ledger (the journal, with two planted mistakes) and reconciliation.
        do {
            _ = try await plain.downloadStatement(try StatementRequest(date: today))
            day.check(.cutOffBillRefused, false)
        } catch let error as ChannelError {
            day.check(.cutOffBillRefused, error.code == .invalidResponse && error.reason.contains("SHA-1"))
        }
        // Each channel's statement, parsed by the parser the registry holds for it.
        var sources: [Reconciler.StatementSource] = []
        var wechatRecords: [StatementRecord] = []
        for channel in [plain, alipayPlain, unionPayPlain, card] as [any PaymentChannel] {
            let file = try await channel.downloadStatement(try StatementRequest(date: today))
            let parser = try ChannelOption.registry.statementParser(for: channel.id)
            sources.append(Reconciler.source(parser, StatementInput(data: file.contents, businessDate: today)))
            if channel.id == .wechatPay { _ = try parser.parse(StatementInput(data: file.contents, businessDate: today)) { wechatRecords.append($0) } }
        }
        sources.append { handle in for record in insuranceDay.statement { try handle(record) } }
        var ledger = try await JournalLedger.rows(store, merchant: "sandbox", date: today).rows
        ledger.removeAll { $0.outTradeNo == "REG-003" && $0.kind == .payment }  // planted: the HIS lost a paid registration
        ledger.append(LedgerRecord(channel: .wechatPay, kind: .payment, outTradeNo: "REG-009", amount: Amount(fen: 2_000), time: Date()))  // planted: booked, never paid
        ledger += insuranceDay.ledger
        var (report, carry) = try ChannelOption.registry.reconciler(date: today, cutOff: 0, language: .zh).run(ledger: LedgerRows(ledger), statements: sources)
        // The card's day, and its top-up and withdrawal on WeChat Pay's statement.
        let cardTotals = CardLeg.totals(try await card.day(today), entries: try await card.ledger.entries(onDay: today), statements: [.wechatPay: wechatRecords])
        report.platformTotals = insuranceDay.totals + [cardTotals]
        report.context = ReportContext(language: .zh, merchant: "sandbox", channelNames: ChannelOption.registry.displayNames(in: .zh))
        let out = directory.appendingPathComponent("report")
        try ReportFiles.write(report, carryOver: carry, to: out)
        let summary = report.summary
        day.check(.reconciliationMatched, summary.matched == 26)
        day.check(.channelOnlyFound, report.discrepancies.contains { $0.kind == .channelOnly && $0.outTradeNo == "REG-003" })
        day.check(.hisOnlyFound, report.discrepancies.contains { $0.kind == .hisOnly && $0.outTradeNo == "REG-009" })
        day.check(.nothingElse, report.discrepancies.count == 2)
        day.check(
            .depositsMovedNoMoney,
            report.otherRows.filter { $0.kind == .authorization }.map { $0.outRefundNo ?? $0.outTradeNo }.sorted() == ["UPAUTH0001", "UPAUTH0002", "UPAUTH0002R"]
                && report.totals.first { $0.channel == .unionPay && $0.kind == .payment }?.hisBuckets.matched.count == 3)
        day.check(.cardDayBalanced, cardTotals.balanced && cardTotals.detail == nil && cardTotals.parts["closing"] == .zero)
        say("Reconciliation \(today), WeChat Pay bill, Alipay archive, UnionPay ZM file, the NHSA's 3202 result and the hospital card's day against the journal: matched \(summary.matched), channel-only \(summary.channelOnly), HIS-only \(summary.hisOnly), amount \(summary.amountMismatch), status \(summary.statusMismatch), duplicate \(summary.duplicate)")
        for item in report.discrepancies { say("  \(item.kind) \(item.outTradeNo): \(item.action)") }
        say("Report: \(out.appendingPathComponent("report.html").path)")
    }

    static var quiet: Logger {
        // Shutting the in-process servers down at the end logs a cancellation: not worth a line.
        var logger = Logger(label: "hispay.demo")
        logger.logLevel = .critical
        return logger
    }

    func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

    private static func first(_ stream: AsyncStream<String>) async -> String {
        for await value in stream { return value }
        return ""
    }
}
