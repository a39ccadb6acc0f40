import Foundation
import HISPayCore
import HISPayCrypto
import HISPayTestSupport
import Testing
import WeChatPay
import HISPayTesting

/// APIv2 operations replayed from cassettes in the published XML format: requests signed with the
/// test API key and scripted nonces, answers signed the same way the gateway signs them.
@Suite struct WeChatPayV2ChannelTests {
    static let apiKey = "192006250b4c09247ec02edce69f6a2d"
    let signer = WeChatPayV2Signer(apiKey: apiKey)
    let now = Date(timeIntervalSince1970: 1_795_312_800)

    struct Script {
        let signer: WeChatPayV2Signer
        var interactions: [Cassette.Interaction] = []
        var nonce = 0

        mutating func expect(_ path: String, _ fields: [String: String], answer: [String: String]?, rawAnswer: String? = nil, status: Int = 200) throws {
            nonce += 1
            var request = fields
            request["appid"] = "wx2421b1c4370ec43b"
            request["mch_id"] = "10000100"
            request["nonce_str"] = "NONCE\(nonce)"
            request["sign"] = try signer.sign(request)
            var body = Data((rawAnswer ?? "").utf8)
            if var answer {
                answer["appid"] = "wx2421b1c4370ec43b"
                answer["mch_id"] = "10000100"
                answer["nonce_str"] = "5K8264ILTKCH16CQ"
                if answer["return_code"] == "SUCCESS" { answer["sign"] = try signer.sign(answer) }
                body = WeChatPayV2XML.build(answer)
            }
            interactions.append(Cassette.Interaction(
                request: Cassette.Request(HTTPRequest(
                    method: "POST", url: "https://api.mch.weixin.qq.com" + path, headers: ["Content-Type": "text/xml; charset=utf-8"],
                    body: WeChatPayV2XML.build(request))),
                response: Cassette.Response(HTTPResponse(status: status, headers: ["Content-Type": "text/xml"], body: body))))
        }

        mutating func skipNonce() { nonce += 1 }

        func channel(now: Date) -> (WeChatPayV2Channel, ReplayTransport) {
            let replay = ReplayTransport(cassette: Cassette(name: "wechatpay-v2", interactions: interactions))
            let configuration = WeChatPayV2Configuration(
                merchantID: "10000100", appID: "wx2421b1c4370ec43b", apiKey: WeChatPayV2ChannelTests.apiKey,
                notifyURL: "https://his.example/notify/wechatpay-v2")
            return (WeChatPayV2Channel(configuration: configuration, transport: replay, certificateTransport: replay, time: ManualTimeSource(now), nonces: ScriptedNonceSource()), replay)
        }
    }

    func payRequest(_ scene: PaymentScene) -> PayRequest {
        PayRequest(outTradeNo: "REG20261122001", amount: Amount(fen: 1230), subject: "门诊缴费", scene: scene)
    }

    let ok = ["return_code": "SUCCESS", "return_msg": "OK", "result_code": "SUCCESS"]
    let orderFields = ["body": "门诊缴费", "out_trade_no": "REG20261122001", "total_fee": "1230", "spbill_create_ip": "127.0.0.1"]

    @Test func unifiedOrderNativeAndJSAPI() async throws {
        var script = Script(signer: signer)
        var native = orderFields
        native["notify_url"] = "https://his.example/notify/wechatpay-v2"
        native["trade_type"] = "NATIVE"
        try script.expect("/pay/unifiedorder", native, answer: ok.merging(["trade_type": "NATIVE", "prepay_id": "wx201410272009395522657a690389285100", "code_url": "weixin://wxpay/bizpayurl?pr=Gjc3kBO"]) { $1 })
        var jsapi = native
        jsapi["trade_type"] = "JSAPI"
        jsapi["openid"] = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
        try script.expect("/pay/unifiedorder", jsapi, answer: ok.merging(["trade_type": "JSAPI", "prepay_id": "wx201410272009395522657a690389285100"]) { $1 })
        let (channel, replay) = script.channel(now: now)
        #expect(try await channel.pay(payRequest(.qrCode)).value?.payerAction == .qrCode("weixin://wxpay/bizpayurl?pr=Gjc3kBO"))
        let outcome = try await channel.pay(payRequest(.jsapi(JSAPIPayer(surface: .weChatOfficialAccount, payerID: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"))))
        guard case .jsapiParameters(var parameters)? = outcome.value?.payerAction else { Issue.record("expected JSAPI parameters"); return }
        #expect(parameters["package"] == "prepay_id=wx201410272009395522657a690389285100")
        #expect(parameters["signType"] == "MD5")
        let paySign = parameters.removeValue(forKey: "paySign")
        #expect(try signer.sign(parameters) == paySign)
        try replay.verifyAllUsed()
    }

    @Test func unifiedOrderH5AndApp() async throws {
        var script = Script(signer: signer)
        var h5 = orderFields
        h5["notify_url"] = "https://his.example/notify/wechatpay-v2"
        h5["trade_type"] = "MWEB"
        h5["spbill_create_ip"] = "14.23.150.211"
        h5["scene_info"] = #"{"h5_info":{"type":"Wap"}}"#
        try script.expect("/pay/unifiedorder", h5, answer: ok.merging(["trade_type": "MWEB", "prepay_id": "wx20161110163838f231619da20804912345", "mweb_url": "https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=wx20161110163838f231619da20804912345&package=1037687096"]) { $1 })
        var app = orderFields
        app["notify_url"] = "https://his.example/notify/wechatpay-v2"
        app["trade_type"] = "APP"
        try script.expect("/pay/unifiedorder", app, answer: ok.merging(["trade_type": "APP", "prepay_id": "wx201410272009395522657a690389285100"]) { $1 })
        let (channel, replay) = script.channel(now: now)
        guard case .redirect(let url)? = try await channel.pay(payRequest(.h5(clientIP: "14.23.150.211"))).value?.payerAction else {
            Issue.record("expected a redirect")
            return
        }
        #expect(url.hasPrefix("https://wx.tenpay.com/"))
        guard case .appParameters(var parameters)? = try await channel.pay(payRequest(.app)).value?.payerAction else {
            Issue.record("expected app parameters")
            return
        }
        #expect(parameters["package"] == "Sign=WXPay")
        #expect(parameters["prepayid"] == "wx201410272009395522657a690389285100")
        let sign = parameters.removeValue(forKey: "sign")
        #expect(try signer.sign(parameters) == sign)
        try replay.verifyAllUsed()
    }

    @Test func micropayUserPayingPollsThenReversesOverClientCertificate() async throws {
        var script = Script(signer: signer)
        var micropay = orderFields
        micropay["auth_code"] = "134567890123456789"
        try script.expect("/pay/micropay", micropay, answer: ["return_code": "SUCCESS", "return_msg": "OK", "result_code": "FAIL", "err_code": "USERPAYING", "err_code_des": "需要用户输入支付密码"])
        try script.expect("/pay/orderquery", ["out_trade_no": "REG20261122001"], answer: ok.merging(["trade_state": "USERPAYING", "out_trade_no": "REG20261122001"]) { $1 })
        try script.expect("/secapi/pay/reverse", ["out_trade_no": "REG20261122001"], answer: ok.merging(["recall": "Y"]) { $1 })
        try script.expect("/secapi/pay/reverse", ["out_trade_no": "REG20261122001"], answer: ok.merging(["recall": "N"]) { $1 })
        let (channel, replay) = script.channel(now: now)
        let policy = BarcodePaymentPolicy(firstQueryDelay: .seconds(5), queryInterval: .seconds(5), deadline: .seconds(6))
        let result = try await policy.run(payRequest(.barcode(authCode: "134567890123456789")), on: channel) { _ in }
        guard case .reversed = result else { Issue.record("expected reversed, got \(result)"); return }
        try replay.verifyAllUsed()
    }

    @Test func systemErrorThenQuerySucceeds() async throws {
        var script = Script(signer: signer)
        var micropay = orderFields
        micropay["auth_code"] = "134567890123456789"
        try script.expect("/pay/micropay", micropay, answer: ["return_code": "SUCCESS", "return_msg": "OK", "result_code": "FAIL", "err_code": "SYSTEMERROR", "err_code_des": "系统超时"])
        try script.expect("/pay/orderquery", ["out_trade_no": "REG20261122001"], answer: ok.merging(["trade_state": "SUCCESS", "out_trade_no": "REG20261122001", "transaction_id": "4200002026112212345678", "total_fee": "1230", "time_end": "20261122095930"]) { $1 })
        let (channel, replay) = script.channel(now: now)
        let first = try await channel.pay(payRequest(.barcode(authCode: "134567890123456789")))
        #expect(first.kind == .unknown)
        #expect(first.status.code == "SYSTEMERROR")
        let second = try await channel.query(.outTradeNo("REG20261122001"))
        #expect(second.kind == .success)
        #expect(second.value?.amount == Amount(fen: 1230))
        try replay.verifyAllUsed()
    }

    @Test func gatewayRefusalTamperedAnswerAndOrderPaid() async throws {
        var script = Script(signer: signer)
        try script.expect("/pay/closeorder", ["out_trade_no": "REG20261122001"], answer: ["return_code": "FAIL", "return_msg": "签名错误"])
        try script.expect("/pay/closeorder", ["out_trade_no": "REG20261122001"], answer: ok)
        script.interactions[1].response.body = Cassette.Body(Data(String(decoding: script.interactions[1].response.body!.data, as: UTF8.self).replacingOccurrences(of: "5K8264ILTKCH16CQ", with: "TAMPERED00000000").utf8))
        var micropay = orderFields
        micropay["auth_code"] = "134567890123456789"
        try script.expect("/pay/micropay", micropay, answer: ["return_code": "SUCCESS", "return_msg": "OK", "result_code": "FAIL", "err_code": "ORDERPAID", "err_code_des": "订单已支付"])
        let (channel, _) = script.channel(now: now)
        let refused = try await channel.close(.outTradeNo("REG20261122001"))
        #expect(refused.kind == .failure)
        #expect(refused.status.message == "签名错误")
        await #expect(throws: ChannelError(.signatureInvalid, reason: "")) { try await channel.close(.outTradeNo("REG20261122001")) }
        let paid = try await channel.pay(payRequest(.barcode(authCode: "134567890123456789")))
        #expect(paid.kind == .unknown)
        #expect(paid.status.code == "ORDERPAID")
    }

    @Test func refundOverClientCertificateAndRefundQuery() async throws {
        var script = Script(signer: signer)
        try script.expect("/secapi/pay/refund", ["out_refund_no": "RF20261122001", "total_fee": "1230", "refund_fee": "500", "transaction_id": "4200002026112212345678", "notify_url": "https://his.example/notify/wechatpay-v2"],
                          answer: ok.merging(["refund_id": "50000000382019052709732678859", "out_refund_no": "RF20261122001", "refund_fee": "500"]) { $1 })
        try script.expect("/pay/refundquery", ["out_refund_no": "RF20261122001"],
                          answer: ok.merging(["refund_count": "1", "out_refund_no_0": "RF20261122001", "refund_id_0": "50000000382019052709732678859", "refund_fee_0": "500", "refund_status_0": "SUCCESS", "refund_success_time_0": "2026-11-22 10:00:05"]) { $1 })
        let (channel, replay) = script.channel(now: now)
        let refund = try await channel.refund(RefundRequest(order: .transactionID("4200002026112212345678"), outRefundNo: "RF20261122001", refundAmount: Amount(fen: 500), totalAmount: Amount(fen: 1230)))
        #expect(refund.kind == .pending)
        #expect(refund.value?.refundID == "50000000382019052709732678859")
        let done = try await channel.queryRefund(RefundReference(outRefundNo: "RF20261122001"))
        #expect(done.kind == .success)
        #expect(done.value?.refundedAt == BeijingTime.parse("2026-11-22 10:00:05"))
        try replay.verifyAllUsed()

        let noCertificate = WeChatPayV2Channel(
            configuration: WeChatPayV2Configuration(merchantID: "10000100", appID: "wx2421b1c4370ec43b", apiKey: Self.apiKey),
            transport: ReplayTransport(cassette: Cassette(name: "none")), certificateTransport: nil)
        await #expect(throws: ChannelError(.configuration, reason: "")) {
            try await noCertificate.refund(RefundRequest(order: .outTradeNo("REG1"), outRefundNo: "RF1", refundAmount: Amount(fen: 1), totalAmount: Amount(fen: 1)))
        }
    }

    @Test func downloadBillReturnsCSVOrTheRefusal() async throws {
        let sample = try Fixtures.vector("wechat-bill-trade-all-sample")["inputs"]["file_utf8"].string
        var script = Script(signer: signer)
        try script.expect("/pay/downloadbill", ["bill_date": "20261121", "bill_type": "ALL"], answer: nil, rawAnswer: sample)
        try script.expect("/pay/downloadbill", ["bill_date": "20261120", "bill_type": "ALL"], answer: nil, rawAnswer: "<xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA[No Bill Exist]]></return_msg><error_code><![CDATA[20002]]></error_code></xml>")
        let (channel, replay) = script.channel(now: now)
        let file = try await channel.downloadStatement(StatementRequest(date: "2026-11-21"))
        #expect(try WeChatPayBillParser.parse(file.contents).summary.count == 45)
        do {
            _ = try await channel.downloadStatement(StatementRequest(date: "2026-11-20"))
            Issue.record("a refused bill must throw")
        } catch let error as ChannelError {
            #expect(error.reason.contains("No Bill Exist"))
            #expect(error.status?.code == "20002")
        }
        try replay.verifyAllUsed()
    }
}
