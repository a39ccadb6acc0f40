import Foundation
import HISPay
import HISPayTestSupport
import Testing

/// The WeChat Pay channel over real loopback HTTP (libcurl) against `hispay sandbox`, with its
/// callbacks through `hispay serve`: the profile the sandbox writes is all the library needs.
@Suite(.serialized) struct SandboxEndToEndTests {
    let directory: URL
    let sandbox: ServerProcess
    let configuration: HISPayConfiguration

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hispay-sandbox-\(UUID().uuidString)")
        let config = directory.appendingPathComponent("hispay.json")
        sandbox = try ServerProcess(["sandbox", "--port", "0", "--write-config", config.path, "--pay-delay", "0.3"])
        configuration = try HISPayConfiguration.load(path: config.path)
    }

    func channel(_ id: ChannelID = .wechatPay) throws -> any PaymentChannel {
        let merchant = try configuration.merchant(named: "sandbox")
        return try ChannelFactory.paymentChannel(id, merchant: merchant, transport: try CurlTransport.Configuration(settings: configuration.transport))
    }

    func order(_ number: String, _ scene: PaymentScene, notify: String? = nil) -> PayRequest {
        PayRequest(outTradeNo: number, amount: Amount(fen: 1230), subject: "门诊缴费", scene: scene, notifyURL: notify)
    }

    @Test func aQROrderIsPaidQueriedRefundedAndListedInTheBill() async throws {
        let channel = try channel()
        let placed = try await channel.pay(order("E2E-QR-1", .qrCode))
        guard case .pending(let payment?, _) = placed, case .qrCode(let url)? = payment.payerAction else { Issue.record("expected a QR code, got \(placed)"); return }
        #expect(url.hasPrefix("weixin://wxpay/bizpayurl?pr="))
        // Unpaid until the simulated patient scans (0.3 s; later under load): poll as a HIS would.
        var paid = try await channel.query(.outTradeNo("E2E-QR-1"))
        for _ in 0..<50 where paid.kind == .pending {
            try await Task.sleep(for: .milliseconds(100))
            paid = try await channel.query(.outTradeNo("E2E-QR-1"))
        }
        #expect(paid.kind == .success && paid.value?.amount == Amount(fen: 1230))
        let refund = RefundRequest(order: .outTradeNo("E2E-QR-1"), outRefundNo: "E2E-QR-1R", refundAmount: Amount(fen: 230), totalAmount: Amount(fen: 1230), reason: "部分退费")
        #expect(try await channel.refund(refund).kind == .success)
        #expect(try await channel.queryRefund(RefundReference(outRefundNo: "E2E-QR-1R")).value?.amount == Amount(fen: 230))
        let bill = try await channel.downloadStatement(try StatementRequest(date: String(BeijingTime.format(Date()).prefix(10))))
        let (records, summary) = try WeChatPayBillParser.parse(bill.contents)
        #expect(records.contains { $0.outTradeNo == "E2E-QR-1" && $0.kind == .payment && $0.amount == Amount(fen: 1230) })
        #expect(records.contains { $0.outRefundNo == "E2E-QR-1R" && $0.amount == Amount(fen: 230) })
        #expect(summary.refundAmount >= Amount(fen: 230))
    }

    @Test func aBarcodePaymentWaitsForThePasswordAndAnAbandonedOneIsReversed() async throws {
        let channel = try channel()
        let policy = BarcodePaymentPolicy(firstQueryDelay: .milliseconds(50), queryInterval: .milliseconds(50), deadline: .seconds(2))
        let paid = try await policy.run(order("E2E-BAR-1", .barcode(authCode: "134567890123456789")), on: channel) { _ in }
        guard case .paid = paid else { Issue.record("expected paid, got \(paid)"); return }
        let abandoned = try await BarcodePaymentPolicy(firstQueryDelay: .milliseconds(50), queryInterval: .milliseconds(50), deadline: .milliseconds(300))
            .run(order("E2E-BAR-2", .barcode(authCode: "134567890123450000")), on: channel) { _ in }
        guard case .reversed = abandoned else { Issue.record("expected a reversal, got \(abandoned)"); return }
        #expect(try await channel.query(.outTradeNo("E2E-BAR-2")).status.code == "REVOKED")
    }

    @Test func callbacksReachTheGatewayOnceEach() async throws {
        let store = try await TestStores.location(.sqlite)
        let gateway = try ServerProcess(["serve", "--port", "0", "--config", directory.appendingPathComponent("hispay.json").path, "--store", store])
        let notify = gateway.url + "/notify/sandbox/wechatpay"
        let channel = try channel()
        _ = try await channel.pay(order("E2E-CB-1", .qrCode, notify: notify))
        _ = try await channel.pay(order("E2E-CB-2", .jsapi(JSAPIPayer(surface: .weChatMiniProgram, payerID: "oSandbox")), notify: notify))
        var events: [[String: Any]] = []
        for _ in 0..<100 {
            let page = try await CurlTransport(configuration: .init(proxy: .direct)).send(HTTPRequest(method: "GET", url: gateway.url + "/events?after=0"))
            events = (try JSONSerialization.jsonObject(with: page.body) as? [String: Any])?["events"] as? [[String: Any]] ?? []
            if events.count >= 2 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(Set(events.compactMap { $0["outTradeNo"] as? String }) == ["E2E-CB-1", "E2E-CB-2"])
        #expect(events.allSatisfy { $0["kind"] as? String == "paymentSucceeded" && $0["amount"] as? Int == 1230 })
    }

    @Test func alipayOrdersArePaidRefundedAndNotified() async throws {
        let alipay = try channel(.alipay)
        let placed = try await alipay.pay(order("E2E-ALI-1", .qrCode))
        guard case .pending(let payment?, _) = placed, case .qrCode(let url)? = payment.payerAction else { Issue.record("expected a QR code, got \(placed)"); return }
        #expect(url.hasPrefix("https://qr.alipay.com/"))
        var paid = try await alipay.query(.outTradeNo("E2E-ALI-1"))
        for _ in 0..<50 where paid.kind == .pending {
            try await Task.sleep(for: .milliseconds(100))
            paid = try await alipay.query(.outTradeNo("E2E-ALI-1"))
        }
        #expect(paid.kind == .success && paid.value?.amount == Amount(fen: 1230))
        let refunded = try await alipay.refundOnce(order: .outTradeNo("E2E-ALI-1"), refundNo: "E2E-ALI-1R", amount: Amount(fen: 230), reason: "部分退费")
        #expect(refunded.kind == .success)
        let again = try await alipay.refundOnce(order: .outTradeNo("E2E-ALI-1"), refundNo: "E2E-ALI-1R", amount: Amount(fen: 230), reason: "部分退费")
        #expect(again.kind == .success && again.value?.amount == Amount(fen: 230))  // found by the query, not refunded twice
        let archive = try await alipay.downloadStatement(try StatementRequest(date: String(BeijingTime.format(Date()).prefix(10))))
        let (records, totals) = try AlipayBillParser.parse(archive: archive.contents)
        #expect(records.contains { $0.kind == .payment && $0.outTradeNo == "E2E-ALI-1" && $0.amount == Amount(fen: 1230) })
        #expect(records.contains { $0.kind == .refund && $0.outRefundNo == "E2E-ALI-1R" && $0.amount == Amount(fen: 230) })
        #expect(totals.refundCount == 1)

        let policy = BarcodePaymentPolicy(firstQueryDelay: .milliseconds(50), queryInterval: .milliseconds(50), deadline: .milliseconds(400))
        guard case .paid = try await policy.run(order("E2E-ALI-2", .barcode(authCode: "286812345678901234")), on: alipay, sleep: { _ in }) else {
            Issue.record("expected the barcode payment paid"); return
        }
        guard case .reversed = try await policy.run(order("E2E-ALI-3", .barcode(authCode: "286812345678900000")), on: alipay, sleep: { _ in }) else {
            Issue.record("expected the abandoned barcode payment cancelled"); return
        }

        let store = try await TestStores.location(.sqlite)
        let gateway = try ServerProcess(["serve", "--port", "0", "--config", directory.appendingPathComponent("hispay.json").path, "--store", store])
        _ = try await alipay.pay(order("E2E-ALI-4", .qrCode, notify: gateway.url + "/notify/sandbox/alipay"))
        var events: [[String: Any]] = []
        for _ in 0..<100 where events.isEmpty {
            try await Task.sleep(for: .milliseconds(100))
            let page = try await CurlTransport(configuration: .init(proxy: .direct)).send(HTTPRequest(method: "GET", url: gateway.url + "/events?after=0"))
            events = (try JSONSerialization.jsonObject(with: page.body) as? [String: Any])?["events"] as? [[String: Any]] ?? []
        }
        #expect(events.map { $0["outTradeNo"] as? String } == ["E2E-ALI-4"])
        #expect(events.first?["channel"] as? String == "alipay" && events.first?["amount"] as? Int == 1230)
    }

    /// `hispay settle` against the sandbox's NHSA interface (or its mobile-payment centre) and WeChat
    /// Pay: insurance settled (2206 → 2207, or 6201 → 6202), the cash part a barcode payment waiting
    /// for the password; rerun from the store until it is paid.
    @Test(arguments: [false, true])
    func aCombinedCheckoutSettlesAgainstTheSandbox(mobilePay: Bool) throws {
        let bill = directory.appendingPathComponent("bill-\(mobilePay).json")
        let fields: [String: Any] = mobilePay
            ? [
                "billId": "E2E-MOBILE-1", "payAuthNo": "AUTH0001", "upload": ["psnNo": "P0001", "medfeeSumamt": "123.40"],
                "cashOrderNo": "E2E-MOBILE-1-CASH", "subject": "门诊缴费", "authCode": "134567890123456789",
            ]
            : [
                "billId": "E2E-SETTLE-1", "personId": "P0001", "certificateType": "02", "certificateNumber": "ECTOKEN0001", "total": "123.40",
                "visitId": "V0001", "chargeBatch": "CB0001", "useAccount": true, "insuranceType": "310", "insuredArea": "440100",
                "cashOrderNo": "E2E-SETTLE-1-CASH", "subject": "门诊缴费", "authCode": "134567890123456789",
            ]
        try JSONSerialization.data(withJSONObject: fields).write(to: bill)
        let store = "sqlite:" + directory.appendingPathComponent("checkout-\(mobilePay).db").path
        let arguments = ["settle", "--channel", "insurance", "--bill", bill.path, "--cash-channel", "wechatpay", "--config", directory.appendingPathComponent("hispay.json").path, "--store", store]
        var states: [String] = []
        var last: [String: Any] = [:]
        for _ in 0..<4 {
            let run = try CommandLineRun(arguments)
            #expect(run.status == 0, "\(run.stderr)")
            last = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            states.append(last["state"] as? String ?? "?")
            if states.last == "completed" { break }
        }
        #expect(states.first == "awaitingCash")  // the patient is entering the password
        #expect(states.last == "completed", "\(states)")
        #expect(last["cashAmount"] as? Int == 2468)  // 123.40 − 60 % fund − 20 % account
        #expect((last["settlementId"] as? String)?.hasPrefix(mobilePay ? "ORD" : "SETL") == true)
    }
}
