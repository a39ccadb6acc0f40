import Foundation
import HISPay
import HISPayTestSupport
import Testing
import HISPayTesting

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
        return try ChannelRegistry.standard.channel(id, merchant: merchant, transports: try CurlTransport.Configuration(settings: configuration.transport))
    }

    func order(_ number: String, _ scene: PaymentScene, notify: String? = nil) -> PayRequest {
        PayRequest(outTradeNo: number, amount: Amount(fen: 1230), subject: "门诊缴费", scene: scene, notifyURL: notify)
    }

    @Test func aQROrderIsPaidQueriedRefundedAndListedInTheBill() async throws {
        let channel = try channel()
        // 商品名称 is the hospital's own text, commas included; the bill writes it as given.
        var request = order("E2E-QR-1", .qrCode)
        request.subject = "门诊缴费,西药费,检查费"
        let placed = try await channel.pay(request)
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
        #expect(String(decoding: bill.contents, as: UTF8.self).contains(",`门诊缴费,西药费,检查费,`"))
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
        let gateway = try ServerProcess(["serve", "--create", "--port", "0", "--config", directory.appendingPathComponent("hispay.json").path, "--store", store] + InternalToken.arguments)
        let notify = gateway.url + "/notify/sandbox/wechatpay"
        let channel = try channel()
        _ = try await channel.pay(order("E2E-CB-1", .qrCode, notify: notify))
        _ = try await channel.pay(order("E2E-CB-2", .jsapi(JSAPIPayer(surface: .weChatMiniProgram, payerID: "oSandbox")), notify: notify))
        var events: [[String: Any]] = []
        for _ in 0..<100 {
            let page = try await CurlTransport(configuration: .init(proxy: .direct)).send(HTTPRequest(method: "GET", url: (gateway.internalURL ?? "") + "/events?after=0", headers: InternalToken.headers))
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

        // An inpatient deposit by fund authorisation: frozen on the payer's code, part taken at discharge, the rest released.
        let frozen = try await alipay.freeze(FreezeRequest(outOrderNo: "E2E-ALI-AUTH", outRequestNo: "E2E-ALI-AUTH-1", amount: Amount(fen: 500_000), title: "住院押金", authCode: "286812345678901234"))
        let authNo = try #require(frozen.value?.authorizationID)
        #expect(frozen.kind == .success)
        let over = try await alipay.capture(CaptureRequest(authorizationID: authNo, outTradeNo: "E2E-ALI-CAP-0", amount: Amount(fen: 500_001), subject: "住院结算"))
        #expect(over.kind == .failure)
        let taken = try await alipay.capture(CaptureRequest(authorizationID: authNo, outTradeNo: "E2E-ALI-CAP-1", amount: Amount(fen: 321_000), subject: "住院结算"))
        #expect(taken.kind == .success && taken.value?.amount == Amount(fen: 321_000))
        let released = try await alipay.release(ReleaseRequest(authorizationID: authNo, outRequestNo: "E2E-ALI-AUTH-2", amount: Amount(fen: 179_000), remark: "出院解冻"))
        #expect(released.kind == .success && released.value?.released == Amount(fen: 179_000))
        #expect(try await alipay.release(ReleaseRequest(authorizationID: authNo, outRequestNo: "E2E-ALI-AUTH-3", amount: Amount(fen: 1), remark: "再解冻")).kind == .failure)

        // Faults: the gateway's 20000 after the order was placed, a forged answer, a cut-off archive.
        try await injectFault("serverError", "/gateway.do/alipay.trade.precreate")
        #expect(try await alipay.pay(order("E2E-ALI-5", .qrCode)).kind == .unknown)
        #expect(try await settled(alipay, .outTradeNo("E2E-ALI-5")).kind == .success)  // placed after all, then paid
        try await injectFault("badSignature", "/gateway.do/alipay.trade.query")
        await #expect(throws: ChannelError(.signatureInvalid, reason: "")) { _ = try await alipay.query(.outTradeNo("E2E-ALI-5")) }
        try await injectFault("truncatedStatement", "/alipay/bill")
        await #expect(throws: ChannelError(.invalidResponse, reason: "")) {
            _ = try AlipayBillParser.parse(archive: try await alipay.downloadStatement(try StatementRequest(date: String(BeijingTime.format(Date()).prefix(10)))).contents)
        }

        let store = try await TestStores.location(.sqlite)
        let gateway = try ServerProcess(["serve", "--create", "--port", "0", "--config", directory.appendingPathComponent("hispay.json").path, "--store", store] + InternalToken.arguments)
        try await injectFault("duplicateCallback", "/gateway.do/alipay.trade.precreate")
        _ = try await alipay.pay(order("E2E-ALI-4", .qrCode, notify: gateway.url + "/notify/sandbox/alipay"))
        var events: [[String: Any]] = []
        for _ in 0..<100 where events.isEmpty {
            try await Task.sleep(for: .milliseconds(100))
            let page = try await CurlTransport(configuration: .init(proxy: .direct)).send(HTTPRequest(method: "GET", url: (gateway.internalURL ?? "") + "/events?after=0", headers: InternalToken.headers))
            events = (try JSONSerialization.jsonObject(with: page.body) as? [String: Any])?["events"] as? [[String: Any]] ?? []
        }
        #expect(events.map { $0["outTradeNo"] as? String } == ["E2E-ALI-4"])
        #expect(events.first?["channel"] as? String == "alipay" && events.first?["amount"] as? Int == 1230)

        // Two partial refunds made outside the journal: Alipay's notices give the order's refunded
        // total (¥3.00, then ¥5.00); the gateway records each refund's own amount, asking Alipay for
        // the refund by its number.
        for (number, fen) in [("E2E-ALI-4R1", Int64(300)), ("E2E-ALI-4R2", 200)] {
            let refund = RefundRequest(order: .outTradeNo("E2E-ALI-4"), outRefundNo: number, refundAmount: Amount(fen: fen), totalAmount: Amount(fen: 1230))
            #expect(try await alipay.refund(refund).kind == .success)
        }
        var refunds: [[String: Any]] = []
        for _ in 0..<100 where refunds.count < 2 {
            try await Task.sleep(for: .milliseconds(100))
            let page = try await CurlTransport(configuration: .init(proxy: .direct)).send(HTTPRequest(method: "GET", url: (gateway.internalURL ?? "") + "/events?after=0", headers: InternalToken.headers))
            refunds = ((try JSONSerialization.jsonObject(with: page.body) as? [String: Any])?["events"] as? [[String: Any]] ?? []).filter { $0["outRefundNo"] is String }
        }
        // The notices are delivered concurrently and may arrive in either order: each refund still
        // gets its own amount (the gateway asks Alipay for it rather than subtracting).
        #expect(refunds.count == 2)
        #expect(Dictionary(refunds.map { ($0["outRefundNo"] as? String ?? "", $0["amount"] as? Int ?? 0) }, uniquingKeysWith: { first, _ in first }) == ["E2E-ALI-4R1": 300, "E2E-ALI-4R2": 200])

        // A deposit by fund authorisation, its notices (fund_auth_freeze, fund_auth_unfreeze) through
        // the gateway: verified, acknowledged and recorded as pre-authorisation events.
        let deposit = try await alipay.freeze(FreezeRequest(
            outOrderNo: "E2E-ALI-AUTH-N", outRequestNo: "E2E-ALI-AUTH-N1", amount: Amount(fen: 200_000), title: "住院押金", authCode: "286812345678901234",
            notifyURL: gateway.url + "/notify/sandbox/alipay"))
        let depositNo = try #require(deposit.value?.authorizationID)
        _ = try await alipay.release(ReleaseRequest(authorizationID: depositNo, outRequestNo: "E2E-ALI-AUTH-N2", amount: Amount(fen: 50_000), remark: "部分解冻"))
        var authorisation: [[String: Any]] = []
        for _ in 0..<100 where authorisation.count < 2 {
            try await Task.sleep(for: .milliseconds(100))
            let page = try await CurlTransport(configuration: .init(proxy: .direct)).send(HTTPRequest(method: "GET", url: (gateway.internalURL ?? "") + "/events?after=0", headers: InternalToken.headers))
            authorisation = ((try JSONSerialization.jsonObject(with: page.body) as? [String: Any])?["events"] as? [[String: Any]] ?? [])
                .filter { $0["outTradeNo"] as? String == "E2E-ALI-AUTH-N" }
        }
        // Delivered concurrently like every sandbox notice: checked by kind, not by arrival order.
        #expect(authorisation.count == 2)
        #expect(Dictionary(authorisation.map { ($0["kind"] as? String ?? "", $0["amount"] as? Int ?? 0) }, uniquingKeysWith: { first, _ in first })
            == ["preAuthorizationFrozen": 200_000, "preAuthorizationReleased": 50_000])

        // The service window's gateway on the same notify URL: the sandbox posts the gateway check, a
        // follow and a patient's question as Alipay does, and checks each signed answer as Alipay does.
        for (event, text) in [("verifygw", ""), ("follow", ""), ("text", "明天上午心内科还有号吗？")] {
            let body = try JSONSerialization.data(withJSONObject: ["to": gateway.url + "/notify/sandbox/alipay", "event": event, "fromUserId": "2088102122485786", "text": text])
            let answer = try await CurlTransport(configuration: .init(proxy: .direct)).send(HTTPRequest(method: "POST", url: sandbox.url + "/sandbox/alipay/service-window", body: body))
            #expect(answer.status == 200, "\(event): \(answer.text)")
        }
        var window: [[String: Any]] = []
        for _ in 0..<100 where window.count < 3 {
            try await Task.sleep(for: .milliseconds(100))
            let page = try await CurlTransport(configuration: .init(proxy: .direct)).send(HTTPRequest(method: "GET", url: (gateway.internalURL ?? "") + "/events?after=0", headers: InternalToken.headers))
            window = ((try JSONSerialization.jsonObject(with: page.body) as? [String: Any])?["events"] as? [[String: Any]] ?? [])
                .filter { ($0["kind"] as? String)?.hasPrefix("serviceWindow") == true }
        }
        #expect(window.compactMap { $0["kind"] as? String } == ["serviceWindowVerification", "serviceWindowFollow", "serviceWindowText"])
        #expect((window.last?["fields"] as? [String: String])?["Text.Content"] == "明天上午心内科还有号吗？")
    }

    /// Polls `order` until it is no longer pending (the simulated payer scans, or enters a password).
    func settled(_ channel: any PaymentChannel, _ order: OrderReference) async throws -> Outcome<Payment> {
        var outcome = try await channel.query(order)
        for _ in 0..<50 where outcome.kind == .pending {
            try await Task.sleep(for: .milliseconds(100))
            outcome = try await channel.query(order)
        }
        return outcome
    }

    func injectFault(_ fault: String, _ prefix: String) async throws {
        let body = try JSONSerialization.data(withJSONObject: ["pathPrefix": prefix, "fault": fault])
        let answer = try await CurlTransport(configuration: .init(proxy: .direct)).send(HTTPRequest(method: "POST", url: sandbox.url + "/sandbox/faults", body: body))
        #expect(answer.status == 204)
    }

    /// WeChat Pay's legacy APIv2 against the sandbox: XML signed with the v2 key, the same orders as
    /// APIv3, both kinds of v2 notification through `hispay serve`, the bill, and its faults.
    @Test func wechatPayV2OrdersShareTheBookAndNotifyInXML() async throws {
        let v2 = try channel(.wechatPayV2)
        let store = try await TestStores.location(.sqlite)
        let gateway = try ServerProcess(["serve", "--create", "--port", "0", "--config", directory.appendingPathComponent("hispay.json").path, "--store", store] + InternalToken.arguments)
        let notify = gateway.url + "/notify/sandbox/wechatpay-v2"
        let placed = try await v2.pay(order("E2E-V2-QR-1", .qrCode, notify: notify))
        guard case .pending(let payment?, _) = placed, case .qrCode(let url)? = payment.payerAction else { Issue.record("expected a QR code, got \(placed)"); return }
        #expect(url.hasPrefix("weixin://wxpay/bizpayurl?pr="))
        #expect(try await settled(v2, .outTradeNo("E2E-V2-QR-1")).kind == .success)
        #expect(try await channel(.wechatPay).query(.outTradeNo("E2E-V2-QR-1")).value?.amount == Amount(fen: 1230))  // one book for v2 and v3
        let refund = RefundRequest(order: .outTradeNo("E2E-V2-QR-1"), outRefundNo: "E2E-V2-QR-1R", refundAmount: Amount(fen: 230), totalAmount: Amount(fen: 1230), reason: "部分退费", notifyURL: notify)
        #expect(try await v2.refund(refund).kind == .pending)
        #expect(try await v2.queryRefund(RefundReference(outRefundNo: "E2E-V2-QR-1R")).kind == .success)

        let policy = BarcodePaymentPolicy(firstQueryDelay: .milliseconds(50), queryInterval: .milliseconds(50), deadline: .seconds(2))
        guard case .paid = try await policy.run(order("E2E-V2-BAR-1", .barcode(authCode: "134567890123456789")), on: v2, sleep: { _ in }) else {
            Issue.record("expected the v2 barcode payment paid"); return
        }
        try await injectFault("serverError", "/v2/pay/micropay")
        #expect(try await v2.pay(order("E2E-V2-BAR-2", .barcode(authCode: "134567890123456789"))).kind == .unknown)  // SYSTEMERROR: query
        try await injectFault("badSignature", "/v2/pay/orderquery")
        await #expect(throws: ChannelError(.signatureInvalid, reason: "")) { _ = try await v2.query(.outTradeNo("E2E-V2-BAR-2")) }
        #expect(try await settled(v2, .outTradeNo("E2E-V2-BAR-2")).kind == .success)

        let bill = try await v2.downloadStatement(try StatementRequest(date: String(BeijingTime.format(Date()).prefix(10))))
        let (records, _) = try WeChatPayBillParser.parse(bill.contents)
        #expect(Set(records.filter { $0.kind == .payment }.map(\.outTradeNo)) == ["E2E-V2-QR-1", "E2E-V2-BAR-1", "E2E-V2-BAR-2"])
        #expect(records.contains { $0.kind == .refund && $0.outRefundNo == "E2E-V2-QR-1R" && $0.amount == Amount(fen: 230) })

        var events: [[String: Any]] = []
        for _ in 0..<100 where events.count < 2 {
            try await Task.sleep(for: .milliseconds(100))
            let page = try await CurlTransport(configuration: .init(proxy: .direct)).send(HTTPRequest(method: "GET", url: (gateway.internalURL ?? "") + "/events?after=0", headers: InternalToken.headers))
            events = (try JSONSerialization.jsonObject(with: page.body) as? [String: Any])?["events"] as? [[String: Any]] ?? []
        }
        #expect(Set(events.compactMap { $0["kind"] as? String }) == ["paymentSucceeded", "refundSucceeded"])
        #expect(events.allSatisfy { $0["channel"] as? String == "wechatpayV2" && $0["outTradeNo"] as? String == "E2E-V2-QR-1" })
    }

    /// UnionPay ACP against the sandbox: answers and notifications verified through the certificate
    /// chain the sandbox wrote, QR and payer-code consumes, refund, undo, pre-authorisation, the ZM
    /// file, and its faults (system-error code, forged answer, cut-off file).
    @Test func unionPayConsumesRefundsPreAuthorisesAndReconcilesItsFile() async throws {
        let unionPay = try channel(.unionPay)
        let placed = try await unionPay.pay(order("E2EUPQR0001", .qrCode))
        guard case .pending(let payment?, _) = placed, case .qrCode(let url)? = payment.payerAction else { Issue.record("expected a QR code, got \(placed)"); return }
        #expect(url.hasPrefix("https://qr.95516.com/"))
        let paid = try await settled(unionPay, .outTradeNo("E2EUPQR0001"))
        #expect(paid.kind == .success && paid.value?.amount == Amount(fen: 1230) && paid.status.code == "00")
        let refund = RefundRequest(order: .outTradeNo("E2EUPQR0001"), outRefundNo: "E2EUPQR0001R1", refundAmount: Amount(fen: 230), totalAmount: Amount(fen: 1230), reason: "部分退费")
        #expect(try await unionPay.refund(refund).kind == .pending)  // accepted; the notification or a query confirms
        #expect(try await unionPay.queryRefund(RefundReference(outRefundNo: "E2EUPQR0001R1")).value?.amount == Amount(fen: 230))
        let tooMuch = RefundRequest(order: .outTradeNo("E2EUPQR0001"), outRefundNo: "E2EUPQR0001R2", refundAmount: Amount(fen: 1001), totalAmount: Amount(fen: 1230), reason: "超额")
        #expect(try await unionPay.refund(tooMuch).kind == .failure)

        // A front consume: the browser posts the signed auto-submitting form to the gateway's cashier page.
        let front = try await unionPay.pay(order("E2EUPH50001", .h5(clientIP: "127.0.0.1")))
        guard case .pending(let h5?, _) = front, case .htmlForm(let html)? = h5.payerAction else { Issue.record("expected a form, got \(front)"); return }
        let action = try #require(html.firstMatch(of: /action="([^"]+)"/)?.1)
        let inputs = html.matches(of: /name="([^"]+)" value="([^"]*)"/).map { (String($0.1), String($0.2).replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")) }
        let page = try await CurlTransport(configuration: .init(proxy: .direct)).send(
            HTTPRequest(method: "POST", url: String(action), headers: ["Content-Type": "application/x-www-form-urlencoded"], body: UnionPayMessage.formBody(Dictionary(uniqueKeysWithValues: inputs))))
        #expect(page.status == 200)
        #expect(try await settled(unionPay, .outTradeNo("E2EUPH50001")).kind == .success)

        // The payer's code at the counter: accepted, then paid once the password is in; undone the same day.
        #expect(try await unionPay.pay(order("E2EUPBAR0001", .barcode(authCode: "6223456789012345678"))).kind == .pending)
        #expect(try await settled(unionPay, .outTradeNo("E2EUPBAR0001")).kind == .success)
        #expect(try await unionPay.reverse(.outTradeNo("E2EUPBAR0001")).kind == .success)

        // A back card consume at a kiosk (认证支付, bizType 000301, as UnionPay's no-jump demos send it):
        // the card and phone number encrypted to the sandbox's encryption certificate, which checks them.
        let backChannel = try #require(unionPay as? UnionPayChannel)
        let card = UnionPayBackConsume(
            outTradeNo: "E2EUPBACK0001", amount: Amount(fen: 4560), cardNumber: "6216261000000000018",
            customerInfo: ["smsCode": "111111", "phoneNo": "13552535506"])
        #expect("\(card)" == "UnionPayBackConsume(E2EUPBACK0001, ¥45.60, card 621626*********0018)")
        #expect(try await backChannel.backConsume(card).kind == .pending)
        #expect(try await settled(unionPay, .outTradeNo("E2EUPBACK0001")).value?.amount == Amount(fen: 4560))
        var declined = card
        (declined.outTradeNo, declined.cardNumber) = ("E2EUPBACK0002", "6216261000000000000")
        let refused = try await backChannel.backConsume(declined)
        #expect(refused.kind == .failure && refused.status.code == "51")

        // An inpatient deposit: frozen on the payer's code, part captured at discharge.
        let frozen = try await unionPay.freeze(FreezeRequest(outOrderNo: "E2EUPAUTH0001", outRequestNo: "E2EUPAUTH0001", amount: Amount(fen: 500_000), title: "住院押金", authCode: "6223456789012345678"))
        let authorization = try #require(frozen.value?.authorizationID)
        let captured = try await unionPay.capture(CaptureRequest(authorizationID: authorization, outTradeNo: "E2EUPCAP0001", amount: Amount(fen: 321_000), subject: "住院结算"))
        #expect(captured.kind == .pending)
        #expect(try await settled(unionPay, .outTradeNo("E2EUPCAP0001")).value?.amount == Amount(fen: 321_000))

        // Faults: the gateway's system-error code after the consume took effect, a forged answer, a cut-off file.
        try await injectFault("serverError", "/unionpay/gateway/api/backTransReq.do")
        #expect(try await unionPay.pay(order("E2EUPQR0002", .qrCode)).kind == .unknown)
        #expect(try await settled(unionPay, .outTradeNo("E2EUPQR0002")).kind == .success)  // the query finds it placed, then paid
        try await injectFault("badSignature", "/unionpay/gateway/api/queryTrans.do")
        await #expect(throws: ChannelError(.signatureInvalid, reason: "")) { _ = try await unionPay.query(.outTradeNo("E2EUPQR0002")) }
        let today = try StatementRequest(date: String(BeijingTime.format(Date()).prefix(10)))
        try await injectFault("truncatedStatement", "/unionpay/file")
        await #expect(throws: ChannelError(.invalidResponse, reason: "")) { _ = try await unionPay.downloadStatement(today) }

        let file = try await unionPay.downloadStatement(today)
        var records: [StatementRecord] = []
        let summary = try UnionPayZMParser.parse(file.contents) { records.append($0) }
        #expect(Set(records.filter { $0.kind == .payment }.map(\.outTradeNo)) == ["E2EUPQR0001", "E2EUPH50001", "E2EUPBAR0001", "E2EUPCAP0001", "E2EUPQR0002", "E2EUPBACK0001"])
        #expect(records.contains { $0.kind == .refund && $0.outRefundNo == "E2EUPQR0001R1" && $0.outTradeNo == "E2EUPQR0001" && $0.amount == Amount(fen: 230) })
        #expect(records.contains { $0.kind == .refund && $0.outTradeNo == "E2EUPBAR0001" && $0.amount == Amount(fen: 1230) })  // the undo
        #expect(summary.paymentAmount == Amount(fen: 1230 * 4 + 321_000 + 4560) && summary.refundAmount == Amount(fen: 1230 + 230))
        #expect(summary.adjustmentCount == 0)  // the transfer's ZME file is there, and empty

        // Back notifications through `hispay serve`, verified with the written chain.
        let store = try await TestStores.location(.sqlite)
        let gateway = try ServerProcess(["serve", "--create", "--port", "0", "--config", directory.appendingPathComponent("hispay.json").path, "--store", store] + InternalToken.arguments)
        _ = try await unionPay.pay(PayRequest(outTradeNo: "E2EUPQR0003", amount: Amount(fen: 1500), subject: "挂号费", scene: .qrCode, notifyURL: gateway.url + "/notify/sandbox/unionpay"))
        var events: [[String: Any]] = []
        for _ in 0..<100 where events.isEmpty {
            try await Task.sleep(for: .milliseconds(100))
            let page = try await CurlTransport(configuration: .init(proxy: .direct)).send(HTTPRequest(method: "GET", url: (gateway.internalURL ?? "") + "/events?after=0", headers: InternalToken.headers))
            events = (try JSONSerialization.jsonObject(with: page.body) as? [String: Any])?["events"] as? [[String: Any]] ?? []
        }
        #expect(events.map { $0["outTradeNo"] as? String } == ["E2EUPQR0003"])
        #expect(events.first?["channel"] as? String == "unionpay" && events.first?["amount"] as? Int == 1500)
    }

    /// The 6201 data of a ¥123.40 outpatient bill: the fields the centre requires (``MobilePayAPI/uploadFees``).
    static let mobilePayUpload = ConfigValue.object([
        "orgCodg": .string("H44010600001"), "psnNo": .string("P0001"), "insutype": .string("310"), "idNo": .string("44010619900101001X"),
        "idType": .string("01"), "userName": .string("测试患者"), "medfeeSumamt": .string("123.40"), "chrgBchno": .string("CB0001"), "feeType": .string("01"),
    ])

    /// UnionPay names an order by its number *and* request time (`txnTime`), and undo/refund need its
    /// `queryId`: both were only in the channel's memory. Journaled, an order paid before a restart
    /// (a new channel instance and the store reopened from disk — what a killed and restarted process
    /// has) is resolved by the resolver and refunded; the refund is resolved after another restart.
    /// ACP 5.0.0 (issue 19): the same profile switched to version 5.0.0 — requests signed SHA1withRSA
    /// over the SHA-1 hex, answers signed by UnionPay's verify certificate named only by `certId` (the
    /// official SDK's `CertUtil.getValidateCert`), kept by the merchant in `verifyCertificates`.
    @Test func aUnionPayProfileOnVersion500PaysQueriesAndRefunds() async throws {
        let path = directory.appendingPathComponent("hispay.json")
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: path)) as? [String: Any])
        var merchants = try #require(json["merchants"] as? [[String: Any]])
        var block = try #require(merchants[0]["unionpay"] as? [String: Any])
        block["version"] = "5.0.0"
        merchants[0]["unionpay"] = block
        json["merchants"] = merchants
        let legacyPath = directory.appendingPathComponent("hispay-500.json")
        try JSONSerialization.data(withJSONObject: json).write(to: legacyPath)
        let legacy = try HISPayConfiguration.load(path: legacyPath.path)
        let unionPay = try ChannelRegistry.standard.channel(.unionPay, merchant: try legacy.merchant(named: "sandbox"), transports: try CurlTransport.Configuration(settings: legacy.transport))
        #expect(try await unionPay.pay(order("E2EUP500BAR1", .barcode(authCode: "6223456789012345678"))).kind == .pending)
        let paid = try await settled(unionPay, .outTradeNo("E2EUP500BAR1"))
        #expect(paid.kind == .success && paid.value?.amount == Amount(fen: 1230))
        let refund = RefundRequest(order: .outTradeNo("E2EUP500BAR1"), outRefundNo: "E2EUP500BAR1R1", refundAmount: Amount(fen: 230), totalAmount: Amount(fen: 1230))
        #expect(try await unionPay.refund(refund).kind == .pending)
        #expect(try await unionPay.queryRefund(RefundReference(outRefundNo: "E2EUP500BAR1R1")).value?.amount == Amount(fen: 230))

        // Without the verify certificate the profile is refused at load, naming the key.
        block.removeValue(forKey: "verifyCertificates")
        merchants[0]["unionpay"] = block
        json["merchants"] = merchants
        try JSONSerialization.data(withJSONObject: json).write(to: legacyPath)
        do {
            let bare = try HISPayConfiguration.load(path: legacyPath.path)
            _ = try ChannelRegistry.standard.channel(.unionPay, merchant: try bare.merchant(named: "sandbox"), transports: try CurlTransport.Configuration(settings: bare.transport))
            Issue.record("a 5.0.0 profile without verifyCertificates must be refused")
        } catch {
            #expect("\(error)".contains("verifyCertificates"))
        }
    }

    @Test(arguments: [SQLDialect.sqlite, .postgres])
    func aUnionPayOrderIsResolvedAndRefundedAfterARestart(dialect: SQLDialect) async throws {
        let location = try await TestStores.location(dialect)
        let config = directory.appendingPathComponent("hispay.json").path
        let before = try await SQLPaymentStore.open(location)
        let policy = ResolverPolicy(schedule: [0, 0.2])
        let first = JournaledChannel(try channel(.unionPay), store: before, merchant: "sandbox", policy: policy)
        let orderNo = "E2ERST\(Int.random(in: 100_000...999_999))"
        _ = try await first.pay(PayRequest(outTradeNo: orderNo, amount: Amount(fen: 1_500), subject: "挂号费", scene: .qrCode))
        let journaled = try #require(try await before.entry(merchant: "sandbox", channel: .unionPay, orderNo: orderNo))
        #expect(journaled.requestTime != nil)
        try await before.close()

        /// Runs `hispay serve` — another process, nothing in its memory but the store — until the
        /// journal entry `number` is settled, then kills it with SIGKILL as a crash would.
        func settleInAnotherProcess(_ number: String) async throws -> OrderState? {
            let gateway = try ServerProcess(["serve", "--create", "--port", "0", "--config", config, "--store", location] + InternalToken.arguments)
            var state: OrderState?
            for _ in 0..<60 where state != .succeeded {
                try await Task.sleep(for: .milliseconds(250))
                let store = try await SQLPaymentStore.open(location)
                state = try await store.entry(merchant: "sandbox", channel: .unionPay, orderNo: number)?.state
                try await store.close()
            }
            gateway.stop()  // SIGKILL
            return state
        }
        // The order is resolved by a separate process from the journal (its txnTime) alone.
        #expect(try await settleInAnotherProcess(orderNo) == .succeeded)

        // After the kill: a refund from a fresh channel (no queryId in memory) names the order by the
        // journaled request time, and another fresh process settles the refund.
        let store = try await SQLPaymentStore.open(location)
        let refund = RefundRequest(order: .outTradeNo(orderNo), outRefundNo: orderNo + "R1", refundAmount: Amount(fen: 500), totalAmount: Amount(fen: 1_500))
        #expect(try await JournaledChannel(try channel(.unionPay), store: store, merchant: "sandbox", policy: policy).refund(refund).kind == .pending)
        try await store.close()
        // This time by `hispay resolve`, the resolver as a process of its own (a verify-only gateway's
        // intranet side): one round per run, each resolution a JSON line.
        var lines: [[String: Any]] = []
        for _ in 0..<40 where !lines.contains(where: { $0["to"] as? String == "succeeded" }) {
            try await Task.sleep(for: .milliseconds(250))
            let run = try CommandLineRun(["resolve", "--once", "--config", config, "--store", location])
            #expect(run.status == 0, "\(run.stderr)")
            lines += run.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        }
        let settled = try #require(lines.last { $0["to"] as? String == "succeeded" }, "\(lines)")
        #expect(settled["orderNo"] as? String == orderNo + "R1" && settled["channel"] as? String == "unionpay" && settled["merchant"] as? String == "sandbox")
        #expect(settled["action"] as? String == "query" && settled["failure"] == nil)
        let after = try await SQLPaymentStore.open(location)
        #expect(try await after.entry(merchant: "sandbox", channel: .unionPay, orderNo: orderNo + "R1")?.state == .succeeded)
        try await after.close()
    }

    /// A mobile-payment checkout of ¥123.40 (cash ¥24.68) whose cash leg is a wallet's medical order:
    /// run until the patient (the sandbox) paid, then refunded. Checks the wallet settled the
    /// insurance part with the centre; returns the checkout's states.
    func walletCheckout(_ cash: any MobilePayCashLeg, billID: String) async throws -> (first: CheckoutState, paid: CheckoutState, refunded: CheckoutState) {
        let merchant = try configuration.merchant(named: "sandbox")
        let settings = try CurlTransport.Configuration(settings: configuration.transport)
        let store = try await TestStores.open(.sqlite)
        let centre = try ChannelRegistry.standard.mobilePayClient(merchant: merchant, transports: settings)
        let checkout = MobilePayCheckout(centre: centre, cash: cash, journal: StoreCheckoutJournal(store: store))
        let bill = MobilePayBill(
            billID: billID, payAuthNo: "AUTH0001", upload: Self.mobilePayUpload,
            cashOrderNo: billID + "-CASH", subject: "门诊缴费")
        let first = try await checkout.run(bill)
        var state = first
        for _ in 0..<50 where { if case .completed = state { false } else { true } }() {
            try await Task.sleep(for: .milliseconds(100))
            state = try await checkout.run(bill)
        }
        if case .completed(let settlementID, let amount) = state {
            #expect(amount == Amount(fen: 2468) && settlementID.hasPrefix("ORD"))
            let payToken = try await StoreCheckoutJournal(store: store).record(for: billID)?.payToken ?? ""
            let query = Self.mobilePayUpload.objectValue.filter { ["orgCodg", "idNo", "userName", "idType"].contains($0.key) }
                .merging(["payOrdId": .string(settlementID), "payToken": .string(payToken)]) { $1 }
            #expect(try await centre.queryOrder(.object(query)).objectValue["ordStas"]?.text == "6")  // settled by the wallet
        }
        let refunded = try await checkout.refund(bill)
        try await store.close()
        return (first, state, refunded)
    }

    /// WeChat Pay's medical-insurance mixed order: the centre's order (6201) and the JSAPI prepayment
    /// go into `/v3/med-ins/orders`; when the patient pays, WeChat Pay settles the insurance part.
    @Test func aWeChatMixedOrderSettlesTheInsurancePartAndIsRefunded() async throws {
        let wechat = try #require(try channel(.wechatPay) as? WeChatPayV3Channel)
        let details = WeChatMedInsCashLeg.Details(
            orderType: "DIAG_PAY", payer: JSAPIPayer(surface: .weChatMiniProgram, payerID: "oSandbox"),
            patient: WeChatMedInsOrder.Patient(name: "测试患者", idNumber: "44010619900101001X"), cityID: "440100", institutionName: "HISPay 沙箱医院",
            institutionCode: "H44010600001", callbackURL: sandbox.url + "/sandbox/notify-sink")
        let states = try await walletCheckout(WeChatMedInsCashLeg(channel: wechat, details: details), billID: "E2E-MIX-1")
        guard case .awaitingCash(.jsapiParameters(let parameters)?) = states.first else { Issue.record("expected the patient's JSAPI page, got \(states.first)"); return }
        #expect(parameters["package"]?.hasPrefix("prepay_id=wx") == true)
        guard case .completed = states.paid else { Issue.record("expected completed, got \(states.paid)"); return }
        #expect(states.refunded == .refunded(cash: Amount(fen: 2468)))
        let mixed = try await wechat.queryMedInsOrder(outTradeNo: "E2E-MIX-1-CASH")
        #expect(mixed.value?.mixPayStatus == "MIX_PAY_REFUND" && mixed.value?.split?.total == Amount(fen: 12_340))
    }

    /// Alipay's medical payment (`alipay.commerce.medical.payment.createandpay`): the patient pays on
    /// the returned page; Alipay settles the insurance part with the centre.
    @Test func anAlipayMedicalOrderSettlesTheInsurancePartAndIsRefunded() async throws {
        let alipay = try #require(try channel(.alipay) as? AlipayChannel)
        let details = AlipayMedicalCashLeg.Details(buyer: .userID("2088102000000001"), institutionCode: "H44010600001", institutionName: "HISPay 沙箱医院", cityCode: "440100")
        let states = try await walletCheckout(AlipayMedicalCashLeg(channel: alipay, details: details), billID: "E2E-ALIMED-1")
        guard case .awaitingCash(.redirect(let url)?) = states.first else { Issue.record("expected the patient's payment page, got \(states.first)"); return }
        #expect(url.hasPrefix("https://"))
        guard case .completed = states.paid else { Issue.record("expected completed, got \(states.paid)"); return }
        #expect(states.refunded == .refunded(cash: Amount(fen: 2468)))
        #expect(try await alipay.query(.outTradeNo("E2E-ALIMED-1-CASH")).value?.amount == Amount(fen: 2468))
    }

    /// `hispay settle` against the sandbox's NHSA interface (or its mobile-payment centre) and WeChat
    /// Pay: insurance settled (2206 → 2207, or 6201 → 6202), the cash part a barcode payment waiting
    /// for the password; rerun from the store until it is paid.
    @Test(arguments: [false, true])
    func aCombinedCheckoutSettlesAgainstTheSandbox(mobilePay: Bool) throws {
        let bill = directory.appendingPathComponent("bill-\(mobilePay).json")
        let fields: ConfigValue = mobilePay
            ? .object([
                "billId": .string("E2E-MOBILE-1"), "payAuthNo": .string("AUTH0001"), "upload": Self.mobilePayUpload,
                "cashOrderNo": .string("E2E-MOBILE-1-CASH"), "subject": .string("门诊缴费"), "authCode": .string("134567890123456789"),
            ])
            : .object([
                "billId": .string("E2E-SETTLE-1"), "personId": .string("P0001"), "certificateType": .string("02"), "certificateNumber": .string("ECTOKEN0001"),
                "total": .string("123.40"), "visitId": .string("V0001"), "chargeBatch": .string("CB0001"), "useAccount": .bool(true),
                "insuranceType": .string("310"), "insuredArea": .string("440100"), "cashOrderNo": .string("E2E-SETTLE-1-CASH"), "subject": .string("门诊缴费"),
                "authCode": .string("134567890123456789"),
                // The one fee line the sandbox settles (2204 before 2206/2207: it refuses a batch without lines).
                "fees": .array([.object([
                    "feedetl_sn": .string("F0001"), "med_list_codg": .string("001102000010000-110200001"), "medins_list_codg": .string("ZL0001"),
                    "det_item_fee_sumamt": .string("123.40"), "cnt": .string("1"), "pric": .string("123.40"), "bilg_dept_codg": .string("0301"),
                    "bilg_dept_name": .string("内科"), "bilg_dr_codg": .string("D001"), "bilg_dr_name": .string("李医生"),
                ])]),
            ])
        try Data(fields.jsonText().utf8).write(to: bill)
        let store = "sqlite:" + directory.appendingPathComponent("checkout-\(mobilePay).db").path
        let arguments = ["settle", "--create", "--channel", "insurance", "--bill", bill.path, "--cash-channel", "wechatpay", "--config", directory.appendingPathComponent("hispay.json").path, "--store", store]
        var states: [String] = []
        var last: [String: Any] = [:]
        for _ in 0..<4 {
            let run = try CommandLineRun(arguments)
            last = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stderr)")
            states.append(last["state"] as? String ?? "?")
            #expect(run.status == (states.last == "completed" ? 0 : 3), "\(states.last ?? "?"): exit \(run.status)")  // 3: left open
            if states.last == "completed" { break }
        }
        #expect(states.first == "awaitingCash")  // the patient is entering the password
        #expect(states.last == "completed", "\(states)")
        #expect(last["cashAmount"] as? Int == 2468)  // 123.40 − 60 % fund − 20 % account
        #expect((last["settlementId"] as? String)?.hasPrefix(mobilePay ? "ORD" : "SETL") == true)
    }
}
