import Foundation
import HISPayCompression
import HISPayCore
import HISPayCrypto
import HISPayTestSupport
import Testing
import WeChatPay
import HISPayTesting

@Suite struct WeChatPayV3ChannelTests {
    let payBody = #"{"amount":{"currency":"CNY","total":1230},"appid":"wx2421b1c4370ec43b","description":"门诊缴费","mchid":"1900000001","notify_url":"https://his.example/notify/wechatpay","out_trade_no":"REG20261122001"}"#

    func request(_ scene: PaymentScene) -> PayRequest {
        PayRequest(outTradeNo: "REG20261122001", amount: Amount(fen: 1230), subject: "门诊缴费", scene: scene)
    }

    @Test func nativePayReturnsTheQRCodeToShow() async throws {
        var script = try WeChatPayScript()
        try script.expect("POST", "/v3/pay/transactions/native", body: payBody, answer: #"{"code_url":"weixin://wxpay/bizpayurl?pr=p4lpSuKzz"}"#)
        let (channel, replay) = try script.channel()
        let outcome = try await channel.pay(request(.qrCode))
        #expect(outcome.kind == .pending)
        #expect(outcome.value?.payerAction == .qrCode("weixin://wxpay/bizpayurl?pr=p4lpSuKzz"))
        try replay.verifyAllUsed()
    }

    @Test func jsapiPayReturnsASignedFrontEndParameterSet() async throws {
        var script = try WeChatPayScript()
        let body = #"{"amount":{"currency":"CNY","total":1230},"appid":"wx2421b1c4370ec43b","description":"门诊缴费","mchid":"1900000001","notify_url":"https://his.example/notify/wechatpay","out_trade_no":"REG20261122001","payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}}"#
        try script.expect("POST", "/v3/pay/transactions/jsapi", body: body, answer: #"{"prepay_id":"wx201410272009395522657a690389285100"}"#)
        let (channel, replay) = try script.channel()
        let outcome = try await channel.pay(request(.jsapi(JSAPIPayer(surface: .weChatOfficialAccount, payerID: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"))))
        guard case .jsapiParameters(let parameters)? = outcome.value?.payerAction else {
            Issue.record("expected JSAPI parameters, got \(outcome)")
            return
        }
        #expect(parameters["package"] == "prepay_id=wx201410272009395522657a690389285100")
        #expect(parameters["signType"] == "RSA")
        #expect(parameters["timeStamp"] == "1795312800")
        let message = "wx2421b1c4370ec43b\n1795312800\n\(parameters["nonceStr"] ?? "")\nprepay_id=wx201410272009395522657a690389285100\n"
        try script.merchantKey.publicKey.verifyRSASignature(try Base64.decode(parameters["paySign"] ?? ""), for: Array(message.utf8))
        try replay.verifyAllUsed()
    }

    @Test func h5AndAppPaymentsReturnTheirPayerActions() async throws {
        var script = try WeChatPayScript()
        let h5Body = #"{"amount":{"currency":"CNY","total":1230},"appid":"wx2421b1c4370ec43b","description":"门诊缴费","mchid":"1900000001","notify_url":"https://his.example/notify/wechatpay","out_trade_no":"REG20261122001","scene_info":{"h5_info":{"type":"Wap"},"payer_client_ip":"14.23.150.211"}}"#
        try script.expect("POST", "/v3/pay/transactions/h5", body: h5Body, answer: #"{"h5_url":"https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=wx2016121516420242444321ca0631331346&package=1405458241"}"#)
        try script.expect("POST", "/v3/pay/transactions/app", body: payBody, answer: #"{"prepay_id":"wx201410272009395522657a690389285100"}"#)
        let (channel, replay) = try script.channel()
        let h5 = try await channel.pay(request(.h5(clientIP: "14.23.150.211")))
        guard case .redirect(let url)? = h5.value?.payerAction else { Issue.record("expected a redirect"); return }
        #expect(url.hasPrefix("https://wx.tenpay.com/"))
        let app = try await channel.pay(request(.app))
        guard case .appParameters(let parameters)? = app.value?.payerAction else { Issue.record("expected app parameters"); return }
        #expect(parameters["package"] == "Sign=WXPay")
        #expect(parameters["partnerid"] == "1900000001")
        let message = "wx2421b1c4370ec43b\n\(parameters["timestamp"] ?? "")\n\(parameters["noncestr"] ?? "")\nwx201410272009395522657a690389285100\n"
        try script.merchantKey.publicKey.verifyRSASignature(try Base64.decode(parameters["sign"] ?? ""), for: Array(message.utf8))
        try replay.verifyAllUsed()
    }

    @Test func partnerModeUsesServiceProviderPathsAndSubMerchantFields() async throws {
        var script = try WeChatPayScript()
        let body = #"{"amount":{"currency":"CNY","total":1230},"description":"门诊缴费","notify_url":"https://his.example/notify/wechatpay","out_trade_no":"REG20261122001","payer":{"sub_openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},"sp_appid":"wx2421b1c4370ec43b","sp_mchid":"1900000001","sub_appid":"wx8888888888888888","sub_mchid":"1900000109"}"#
        try script.expect("POST", "/v3/pay/partner/transactions/jsapi", body: body, answer: #"{"prepay_id":"wx26112221580621e9b071c00d9e093b0000"}"#)
        script.skipNonce()  // drawn for the front-end paySign
        try script.expect("GET", "/v3/pay/partner/transactions/out-trade-no/REG20261122001?sp_mchid=1900000001&sub_mchid=1900000109", answer: WeChatPayScript.transactionSuccess)
        let (channel, replay) = try script.channel(partner: true)
        let payer = JSAPIPayer(surface: .weChatMiniProgram, payerID: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", appID: "wx8888888888888888")
        let outcome = try await channel.pay(request(.jsapi(payer)))
        guard case .jsapiParameters(let parameters)? = outcome.value?.payerAction else { Issue.record("expected JSAPI parameters"); return }
        #expect(parameters["appId"] == "wx8888888888888888")
        #expect(try await channel.query(.outTradeNo("REG20261122001")).kind == .success)
        try replay.verifyAllUsed()
    }

    @Test func systemErrorIsUnknownThenQueryResolvesToSuccess() async throws {
        var script = try WeChatPayScript()
        try script.expect("POST", "/v3/pay/transactions/native", body: payBody, status: 500, answer: #"{"code":"SYSTEM_ERROR","message":"系统错误"}"#)
        try script.expect("GET", "/v3/pay/transactions/out-trade-no/REG20261122001?mchid=1900000001", answer: WeChatPayScript.transactionSuccess)
        let (channel, replay) = try script.channel()
        let first = try await channel.pay(request(.qrCode))
        #expect(first.kind == .unknown)
        #expect(first.status.code == "SYSTEM_ERROR")
        #expect(first.status.httpStatus == 500)
        let resolved = try await channel.query(.outTradeNo("REG20261122001"))
        #expect(resolved.kind == .success)
        #expect(resolved.value?.transactionID == "4200002026112212345678")
        #expect(resolved.value?.amount == Amount(fen: 1230))
        #expect(resolved.value?.paidAt == Date(timeIntervalSince1970: 1_795_312_770))
        try replay.verifyAllUsed()
    }

    @Test func fractionalAmountIsRefusedNotTruncated() async throws {
        var script = try WeChatPayScript()
        let fractional = WeChatPayScript.transactionSuccess.replacingOccurrences(of: #""total":1230"#, with: #""total":1230.5"#)
        try script.expect("GET", "/v3/pay/transactions/out-trade-no/REG20261122001?mchid=1900000001", answer: fractional)
        let (channel, replay) = try script.channel()
        let error = await #expect(throws: ChannelError.self) { try await channel.query(.outTradeNo("REG20261122001")) }
        #expect(error?.code == .invalidResponse)
        #expect(error?.reason.contains("amount.total") == true)
        try replay.verifyAllUsed()
    }

    @Test func orderPaidAndParamErrorMapToUnknownAndFailure() async throws {
        var script = try WeChatPayScript()
        try script.expect("POST", "/v3/pay/transactions/native", body: payBody, status: 400, answer: #"{"code":"ORDERPAID","message":"该订单已支付"}"#)
        try script.expect("POST", "/v3/pay/transactions/native", body: payBody, status: 400, answer: #"{"code":"PARAM_ERROR","message":"参数错误"}"#)
        let (channel, _) = try script.channel()
        let paid = try await channel.pay(request(.qrCode))
        #expect(paid.kind == .unknown)
        #expect(paid.status.code == "ORDERPAID")
        let invalid = try await channel.pay(request(.qrCode))
        #expect(invalid.kind == .failure)
        #expect(invalid.status.code == "PARAM_ERROR")
    }

    @Test func answerWithAnInvalidSignatureIsRejected() async throws {
        var script = try WeChatPayScript()
        try script.expect("POST", "/v3/pay/transactions/native", body: payBody, answer: #"{"code_url":"weixin://wxpay/bizpayurl?pr=p4lpSuKzz"}"#)
        // Swap in a different body under the same signature: what a man in the middle would do.
        script.interactions[0].response.body = Cassette.Body(Data(#"{"code_url":"weixin://wxpay/bizpayurl?pr=EVIL"}"#.utf8))
        try script.expect("GET", "/v3/pay/transactions/out-trade-no/REG20261122001?mchid=1900000001", answer: WeChatPayScript.transactionSuccess, signAnswer: false)
        let (channel, _) = try script.channel()
        await #expect(throws: ChannelError(.signatureInvalid, reason: "")) { try await channel.pay(request(.qrCode)) }
        await #expect(throws: ChannelError(.invalidResponse, reason: "")) { try await channel.query(.outTradeNo("REG20261122001")) }
    }

    @Test func staleAnswerIsRejected() async throws {
        var script = try WeChatPayScript()
        try script.expect("GET", "/v3/pay/transactions/id/4200002026112212345678?mchid=1900000001", answer: WeChatPayScript.transactionSuccess, answerTimestamp: try WeChatPayTestKeys().now.addingTimeInterval(-600))
        let (channel, _) = try script.channel()
        await #expect(throws: ChannelError(.staleTimestamp, reason: "")) { try await channel.query(.transactionID("4200002026112212345678")) }
    }

    /// 付款码支付's body as WeChat Pay documents it (https://pay.weixin.qq.com/doc/v3/merchant/4012382150,
    /// the fields of wechatpay-apiv3/wechatpay-go services/payments/code/models.go): `payer.auth_code` and
    /// the required `scene_info.store_info.id` (the profile's `storeId`, else the merchant id), no
    /// `notify_url`; `USERPAYING` answered with HTTP 202.
    @Test func barcodeUserPayingIsPolledThenReversedOnTimeout() async throws {
        var script = try WeChatPayScript()
        let body = #"{"amount":{"currency":"CNY","total":1230},"appid":"wx2421b1c4370ec43b","description":"门诊缴费","mchid":"1900000001","out_trade_no":"REG20261122001","payer":{"auth_code":"134567890123456789"},"scene_info":{"store_info":{"id":"1900000001"}}}"#
        try script.expect("POST", "/v3/pay/transactions/codepay", body: body, status: 202, answer: #"{"code":"USERPAYING","message":"需要用户输入支付密码"}"#)
        for _ in 0..<3 {
            try script.expect("GET", "/v3/pay/transactions/out-trade-no/REG20261122001?mchid=1900000001", answer: WeChatPayScript.transaction(state: "USERPAYING", description: "用户支付中"))
        }
        try script.expect("POST", "/v3/pay/transactions/out-trade-no/REG20261122001/reverse", body: #"{"appid":"wx2421b1c4370ec43b","mchid":"1900000001"}"#, status: 200, answer: "{}")
        let (channel, replay) = try script.channel()
        let policy = BarcodePaymentPolicy(firstQueryDelay: .seconds(5), queryInterval: .seconds(5), deadline: .seconds(15))
        let result = try await policy.run(request(.barcode(authCode: "134567890123456789")), on: channel) { _ in }
        guard case .reversed(let reversal, _) = result else { Issue.record("expected a reversal, got \(result)"); return }
        #expect(reversal.order.outTradeNo == "REG20261122001")
        try replay.verifyAllUsed()
    }

    @Test func barcodePaidWhileEnteringPasswordIsPaid() async throws {
        var script = try WeChatPayScript()
        let body = #"{"amount":{"currency":"CNY","total":1230},"appid":"wx2421b1c4370ec43b","description":"门诊缴费","mchid":"1900000001","out_trade_no":"REG20261122001","payer":{"auth_code":"134567890123456789"},"scene_info":{"store_info":{"id":"1900000001"}}}"#
        try script.expect("POST", "/v3/pay/transactions/codepay", body: body, status: 202, answer: #"{"code":"USERPAYING","message":"需要用户输入支付密码"}"#)
        try script.expect("GET", "/v3/pay/transactions/out-trade-no/REG20261122001?mchid=1900000001", answer: WeChatPayScript.transactionSuccess)
        let (channel, replay) = try script.channel()
        let result = try await BarcodePaymentPolicy().run(request(.barcode(authCode: "134567890123456789")), on: channel) { _ in }
        guard case .paid(let payment, _) = result else { Issue.record("expected paid, got \(result)"); return }
        #expect(payment.transactionID == "4200002026112212345678")
        try replay.verifyAllUsed()
    }

    @Test func closeRefundAndRefundQuery() async throws {
        var script = try WeChatPayScript()
        try script.expect("POST", "/v3/pay/transactions/out-trade-no/REG20261122002/close", body: #"{"mchid":"1900000001"}"#, status: 204)
        let refundBody = #"{"amount":{"currency":"CNY","refund":500,"total":1230},"notify_url":"https://his.example/notify/wechatpay","out_refund_no":"RF20261122001","reason":"部分退费","transaction_id":"4200002026112212345678"}"#
        let processing = #"{"amount":{"currency":"CNY","discount_refund":0,"payer_refund":500,"payer_total":1230,"refund":500,"settlement_refund":500,"settlement_total":1230,"total":1230},"channel":"ORIGINAL","create_time":"2026-11-22T10:00:01+08:00","funds_account":"AVAILABLE","out_refund_no":"RF20261122001","out_trade_no":"REG20261122001","refund_id":"50000000382019052709732678859","status":"PROCESSING","transaction_id":"4200002026112212345678","user_received_account":"招商银行信用卡0403"}"#
        try script.expect("POST", "/v3/refund/domestic/refunds", body: refundBody, answer: processing)
        try script.expect("GET", "/v3/refund/domestic/refunds/RF20261122001", answer: processing.replacingOccurrences(of: #""status":"PROCESSING""#, with: #""status":"SUCCESS","success_time":"2026-11-22T10:00:05+08:00""#))
        let (channel, replay) = try script.channel()
        #expect(try await channel.close(.outTradeNo("REG20261122002")).kind == .success)
        let refund = try await channel.refund(RefundRequest(
            order: .transactionID("4200002026112212345678"), outRefundNo: "RF20261122001", refundAmount: Amount(fen: 500),
            totalAmount: Amount(fen: 1230), reason: "部分退费"))
        #expect(refund.kind == .pending)
        #expect(refund.value?.refundID == "50000000382019052709732678859")
        let done = try await channel.queryRefund(RefundReference(outRefundNo: "RF20261122001"))
        #expect(done.kind == .success)
        #expect(done.value?.amount == Amount(fen: 500))
        try replay.verifyAllUsed()
        await #expect(throws: ChannelError(.invalidRequest, reason: "")) {
            try await channel.refund(RefundRequest(order: .outTradeNo("X"), outRefundNo: "R", refundAmount: Amount(fen: 2000), totalAmount: Amount(fen: 1230)))
        }
    }

    @Test func tradeBillIsDownloadedAndHashChecked() async throws {
        let sample = Data(try Fixtures.vector("wechat-bill-trade-all-sample")["inputs"]["file_utf8"].string.utf8)
        var script = try WeChatPayScript()
        let downloadURL = "https://api.mch.weixin.qq.com/v3/billdownload/file?token=6XIv5TUPto7pByrTQKhd6kwvyKLG2uY2wMMR8cNXqaA_Cv_isgaUtBzp4QtiozLO"
        try script.expect("GET", "/v3/bill/tradebill?bill_date=2026-11-21&bill_type=ALL&tar_type=GZIP", answer: #"{"download_url":"\#(downloadURL)","hash_type":"SHA1","hash_value":"9bb6cd819be348f17a9cbcedddc8eb62fefbd790"}"#)
        try script.expect("GET", "/v3/billdownload/file?token=6XIv5TUPto7pByrTQKhd6kwvyKLG2uY2wMMR8cNXqaA_Cv_isgaUtBzp4QtiozLO", answerBytes: try Gzip.compress(sample), signAnswer: false)
        let (channel, replay) = try script.channel()
        let file = try await channel.downloadStatement(StatementRequest(date: "2026-11-21"))
        #expect(file.contents == sample)
        #expect(try WeChatPayBillParser.parse(file.contents).records.count == 45)
        try replay.verifyAllUsed()

        var corrupt = try WeChatPayScript()
        try corrupt.expect("GET", "/v3/bill/tradebill?bill_date=2026-11-21&bill_type=ALL&tar_type=GZIP", answer: #"{"download_url":"\#(downloadURL)","hash_type":"SHA1","hash_value":"9bb6cd819be348f17a9cbcedddc8eb62fefbd790"}"#)
        try corrupt.expect("GET", "/v3/billdownload/file?token=6XIv5TUPto7pByrTQKhd6kwvyKLG2uY2wMMR8cNXqaA_Cv_isgaUtBzp4QtiozLO", answer: String(decoding: sample.dropLast(100), as: UTF8.self), signAnswer: false)
        let (truncated, _) = try corrupt.channel()
        await #expect(throws: ChannelError(.invalidResponse, reason: "")) { try await truncated.downloadStatement(StatementRequest(date: "2026-11-21")) }

        var cutGzip = try WeChatPayScript()
        try cutGzip.expect("GET", "/v3/bill/tradebill?bill_date=2026-11-21&bill_type=ALL&tar_type=GZIP", answer: #"{"download_url":"\#(downloadURL)","hash_type":"SHA1","hash_value":"9bb6cd819be348f17a9cbcedddc8eb62fefbd790"}"#)
        try cutGzip.expect("GET", "/v3/billdownload/file?token=6XIv5TUPto7pByrTQKhd6kwvyKLG2uY2wMMR8cNXqaA_Cv_isgaUtBzp4QtiozLO", answerBytes: try Gzip.compress(sample).dropLast(40), signAnswer: false)
        let (cut, _) = try cutGzip.channel()
        do {
            _ = try await cut.downloadStatement(StatementRequest(date: "2026-11-21"))
            Issue.record("a truncated gzip download must fail")
        } catch let error as ChannelError {
            #expect(error.reason.contains("truncated"))
        }
    }

    @Test func timeoutAfterSendingIsUnknownAndRefusedConnectionIsARetrySafeError() async throws {
        struct FailingTransport: HTTPTransport {
            let error: TransportError
            func send(_ request: HTTPRequest) async throws -> HTTPResponse { throw error }
        }
        let script = try WeChatPayScript()
        let timeout = WeChatPayV3Channel(
            configuration: try script.configuration(), transport: FailingTransport(error: TransportError(.timeout, reason: "timed out", isRetrySafe: false)),
            time: ManualTimeSource(script.keys.now))
        #expect(try await timeout.pay(request(.qrCode)).kind == .unknown)
        let refused = WeChatPayV3Channel(
            configuration: try script.configuration(), transport: FailingTransport(error: TransportError(.connectFailed, reason: "refused", isRetrySafe: true)),
            time: ManualTimeSource(script.keys.now))
        do {
            _ = try await refused.pay(request(.qrCode))
            Issue.record("a refused connection must throw")
        } catch let error as ChannelError {
            #expect(error.code == .transport)
            #expect(error.isRetrySafe)
        }
    }
}
