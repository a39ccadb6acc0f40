import HISPayTesting
import Alipay
import Foundation
import HISPayCore
import HISPayCrypto
import HISPayTestSupport
import Testing

@Suite struct AlipayChannelTests {
    func request(_ scene: PaymentScene) -> PayRequest {
        PayRequest(outTradeNo: "REG20261122001", amount: Amount(fen: 1230), subject: "门诊缴费", scene: scene)
    }

    let barcodeBiz = #"{"auth_code":"286812345678901234","out_trade_no":"REG20261122001","product_code":"FACE_TO_FACE_PAYMENT","scene":"bar_code","subject":"门诊缴费","total_amount":"12.30"}"#
    let paid = #"{"code":"10000","msg":"Success","buyer_logon_id":"159****5620","buyer_pay_amount":"12.30","buyer_user_id":"2088101117955611","gmt_payment":"2026-11-22 09:59:30","invoice_amount":"12.30","out_trade_no":"REG20261122001","point_amount":"0.00","receipt_amount":"12.30","total_amount":"12.30","trade_no":"2026112222001455611000012345"}"#

    @Test func precreateAndCreateReturnTheQRCodeAndTradeNumber() async throws {
        var script = try AlipayScript()
        try script.expect("alipay.trade.precreate", biz: #"{"out_trade_no":"REG20261122001","subject":"门诊缴费","total_amount":"12.30"}"#, notify: true,
                          answer: #"{"code":"10000","msg":"Success","out_trade_no":"REG20261122001","qr_code":"https://qr.alipay.com/bax03431ljhokirwl38f00a7"}"#)
        try script.expect("alipay.trade.create", biz: #"{"buyer_id":"2088102146225135","out_trade_no":"REG20261122001","product_code":"JSAPI_PAY","subject":"门诊缴费","total_amount":"12.30"}"#, notify: true,
                          answer: #"{"code":"10000","msg":"Success","out_trade_no":"REG20261122001","trade_no":"2026112222001455611000012345"}"#)
        let (channel, replay) = try script.channel()
        #expect(try await channel.pay(request(.qrCode)).value?.payerAction == .qrCode("https://qr.alipay.com/bax03431ljhokirwl38f00a7"))
        let window = try await channel.pay(request(.jsapi(JSAPIPayer(surface: .alipayServiceWindow, payerID: "2088102146225135"))))
        #expect(window.kind == .pending)
        #expect(window.value?.payerAction == .jsapiParameters(["tradeNO": "2026112222001455611000012345"]))
        try replay.verifyAllUsed()
    }

    @Test func barcodeSuccessAndWaitForPasswordThenCancel() async throws {
        var script = try AlipayScript()
        try script.expect("alipay.trade.pay", biz: barcodeBiz, answer: paid)
        try script.expect("alipay.trade.pay", biz: barcodeBiz, answer: #"{"code":"10003","msg":"order success pay inprocess","out_trade_no":"REG20261122001","trade_no":"2026112222001455611000012345","total_amount":"12.30"}"#)
        try script.expect("alipay.trade.query", biz: #"{"out_trade_no":"REG20261122001"}"#, answer: #"{"code":"10000","msg":"Success","out_trade_no":"REG20261122001","trade_no":"2026112222001455611000012345","trade_status":"WAIT_BUYER_PAY","total_amount":"12.30"}"#)
        try script.expect("alipay.trade.cancel", biz: #"{"out_trade_no":"REG20261122001"}"#, answer: #"{"code":"10000","msg":"Success","action":"close","out_trade_no":"REG20261122001","retry_flag":"N","trade_no":"2026112222001455611000012345"}"#)
        let (channel, replay) = try script.channel()
        let direct = try await channel.pay(request(.barcode(authCode: "286812345678901234")))
        #expect(direct.kind == .success)
        #expect(direct.value?.amount == Amount(fen: 1230))
        #expect(direct.value?.paidAt == BeijingTime.parse("2026-11-22 09:59:30"))
        let policy = BarcodePaymentPolicy(firstQueryDelay: .seconds(5), queryInterval: .seconds(5), deadline: .seconds(8))
        let result = try await policy.run(request(.barcode(authCode: "286812345678901234")), on: channel) { _ in }
        guard case .reversed(let reversal, _) = result else { Issue.record("expected a cancel, got \(result)"); return }
        #expect(!reversal.refunded)
        try replay.verifyAllUsed()
    }

    @Test func systemErrorQueriesAndTradeHasSuccessIsUnknown() async throws {
        var script = try AlipayScript()
        try script.expect("alipay.trade.pay", biz: barcodeBiz, answer: #"{"code":"40004","msg":"Business Failed","sub_code":"ACQ.SYSTEM_ERROR","sub_msg":"系统错误"}"#)
        try script.expect("alipay.trade.query", biz: #"{"out_trade_no":"REG20261122001"}"#, answer: paid.replacingOccurrences(of: #""trade_no""#, with: #""trade_status":"TRADE_SUCCESS","trade_no""#))
        try script.expect("alipay.trade.pay", biz: barcodeBiz, answer: #"{"code":"40004","msg":"Business Failed","sub_code":"ACQ.TRADE_HAS_SUCCESS","sub_msg":"交易已被支付"}"#)
        try script.expect("alipay.trade.pay", biz: barcodeBiz, answer: #"{"code":"40004","msg":"Business Failed","sub_code":"ACQ.PAYMENT_AUTH_CODE_INVALID","sub_msg":"支付失败，获取顾客账户信息失败"}"#)
        let (channel, replay) = try script.channel()
        let first = try await channel.pay(request(.barcode(authCode: "286812345678901234")))
        #expect(first.kind == .unknown)
        #expect(first.status.subCode == "ACQ.SYSTEM_ERROR")
        #expect(try await channel.query(.outTradeNo("REG20261122001")).kind == .success)
        #expect(try await channel.pay(request(.barcode(authCode: "286812345678901234"))).kind == .unknown)
        let declined = try await channel.pay(request(.barcode(authCode: "286812345678901234")))
        #expect(declined.kind == .failure)
        #expect(declined.status.subCode == "ACQ.PAYMENT_AUTH_CODE_INVALID")
        try replay.verifyAllUsed()
    }

    @Test func answerSignedByTheWrongKeyOrReserializedIsRejected() async throws {
        var script = try AlipayScript()
        try script.expect("alipay.trade.query", biz: #"{"out_trade_no":"REG20261122001"}"#, answer: paid, signWith: try PrivateKey.generate(.rsa))
        // Signed over differently formatted text than what arrives (as after a re-serialization).
        try script.expect("alipay.trade.query", biz: #"{"out_trade_no":"REG20261122001"}"#, answer: paid, signedContent: paid.replacingOccurrences(of: ",", with: ", "))
        let (channel, _) = try script.channel()
        await #expect(throws: ChannelError(.signatureInvalid, reason: "")) { try await channel.query(.outTradeNo("REG20261122001")) }
        await #expect(throws: ChannelError(.signatureInvalid, reason: "")) { try await channel.query(.outTradeNo("REG20261122001")) }
    }

    @Test func closeAnUnpaidTradeAndARefusedClose() async throws {
        var script = try AlipayScript()
        try script.expect("alipay.trade.close", biz: #"{"out_trade_no":"REG20261122001"}"#, answer: #"{"code":"10000","msg":"Success","out_trade_no":"REG20261122001","trade_no":"2026112222001455611000012345"}"#)
        try script.expect("alipay.trade.close", biz: #"{"trade_no":"2026112222001455611000012345"}"#, answer: #"{"code":"40004","msg":"Business Failed","sub_code":"ACQ.TRADE_STATUS_ERROR","sub_msg":"交易状态不合法"}"#)
        let (channel, replay) = try script.channel()
        #expect(try await channel.close(.outTradeNo("REG20261122001")).kind == .success)
        let refused = try await channel.close(.transactionID("2026112222001455611000012345"))
        #expect(refused.kind == .failure)
        #expect(refused.status.subCode == "ACQ.TRADE_STATUS_ERROR")
        try replay.verifyAllUsed()
    }

    @Test func refundPartialAndRefundQuery() async throws {
        var script = try AlipayScript()
        try script.expect("alipay.trade.refund", biz: #"{"out_request_no":"RF20261122001","out_trade_no":"REG20261122001","refund_amount":"5.00","refund_reason":"部分退费"}"#,
                          answer: #"{"code":"10000","msg":"Success","buyer_logon_id":"159****5620","fund_change":"Y","gmt_refund_pay":"2026-11-22 10:00:02","out_trade_no":"REG20261122001","refund_fee":"5.00","trade_no":"2026112222001455611000012345"}"#)
        try script.expect("alipay.trade.fastpay.refund.query", biz: #"{"out_request_no":"RF20261122001","out_trade_no":"REG20261122001","query_options":["gmt_refund_pay"]}"#,
                          answer: #"{"code":"10000","msg":"Success","gmt_refund_pay":"2026-11-22 10:00:02","out_request_no":"RF20261122001","out_trade_no":"REG20261122001","refund_amount":"5.00","refund_status":"REFUND_SUCCESS","total_amount":"12.30","trade_no":"2026112222001455611000012345"}"#)
        let (channel, replay) = try script.channel()
        let refund = try await channel.refund(RefundRequest(order: .outTradeNo("REG20261122001"), outRefundNo: "RF20261122001", refundAmount: Amount(fen: 500), totalAmount: Amount(fen: 1230), reason: "部分退费"))
        #expect(refund.kind == .success)
        #expect(refund.value?.refundedAt == BeijingTime.parse("2026-11-22 10:00:02"))
        let queried = try await channel.queryRefund(RefundReference(outRefundNo: "RF20261122001", order: .outTradeNo("REG20261122001")))
        #expect(queried.kind == .success)
        #expect(queried.value?.amount == Amount(fen: 500))
        try replay.verifyAllUsed()
        await #expect(throws: ChannelError(.invalidRequest, reason: "")) { try await channel.queryRefund(RefundReference(outRefundNo: "RF20261122001")) }
    }

    @Test func depositFreezeCapturePartAndReleaseTheRest() async throws {
        var script = try AlipayScript()
        try script.expect("alipay.fund.auth.order.freeze", biz: #"{"amount":"3000.00","auth_code":"286812345678901234","auth_code_type":"bar_code","order_title":"住院预交金","out_order_no":"DEP20261122001","out_request_no":"DEP20261122001-1","product_code":"PREAUTH_PAY"}"#, notify: true,
                          answer: #"{"code":"10000","msg":"Success","amount":"3000.00","auth_no":"2026112210002001550212345678","gmt_trans":"2026-11-22 10:00:01","operation_id":"20261122112345678","out_order_no":"DEP20261122001","out_request_no":"DEP20261122001-1","status":"SUCCESS"}"#)
        try script.expect("alipay.trade.pay", biz: #"{"auth_confirm_mode":"NOT_COMPLETE","auth_no":"2026112210002001550212345678","out_trade_no":"DIS20261130001","product_code":"PREAUTH_PAY","subject":"出院结算","total_amount":"2468.50"}"#, notify: true,
                          answer: #"{"code":"10000","msg":"Success","gmt_payment":"2026-11-30 15:00:00","out_trade_no":"DIS20261130001","total_amount":"2468.50","trade_no":"2026113022001455611000099999"}"#)
        try script.expect("alipay.fund.auth.order.unfreeze", biz: #"{"amount":"531.50","auth_no":"2026112210002001550212345678","out_request_no":"DEP20261122001-R","remark":"出院退还余额"}"#,
                          answer: #"{"code":"10000","msg":"Success","amount":"531.50","auth_no":"2026112210002001550212345678","operation_id":"20261130112345679","out_order_no":"DEP20261122001","out_request_no":"DEP20261122001-R","status":"SUCCESS"}"#)
        let (channel, replay) = try script.channel()
        #expect(channel.capabilities.supportsPreAuthorization)
        let frozen = try await channel.freeze(FreezeRequest(outOrderNo: "DEP20261122001", outRequestNo: "DEP20261122001-1", amount: Amount(fen: 300_000), title: "住院预交金", authCode: "286812345678901234"))
        #expect(frozen.value?.frozen == Amount(fen: 300_000))
        let authNo = try #require(frozen.value?.authorizationID)
        let captured = try await channel.capture(CaptureRequest(authorizationID: authNo, outTradeNo: "DIS20261130001", amount: Amount(fen: 246_850), subject: "出院结算"))
        #expect(captured.value?.amount == Amount(fen: 246_850))
        let released = try await channel.release(ReleaseRequest(authorizationID: authNo, outRequestNo: "DEP20261122001-R", amount: Amount(fen: 53_150), remark: "出院退还余额"))
        #expect(released.kind == .success)
        #expect(released.value?.released == Amount(fen: 53_150))
        try replay.verifyAllUsed()
    }

    @Test func wapAndAppPaymentsAreSignedLocally() async throws {
        let script = try AlipayScript()
        let (channel, _) = try script.channel()
        guard case .redirect(let url)? = try await channel.pay(request(.h5(clientIP: "14.23.150.211"))).value?.payerAction else {
            Issue.record("expected a redirect")
            return
        }
        let query = try AlipayForm.decode(Data(String(url.split(separator: "?", maxSplits: 1)[1]).utf8))
        #expect(query["method"] == "alipay.trade.wap.pay")
        let signature = try Base64.decode(query["sign"] ?? "")
        var unsigned = query
        unsigned["sign"] = nil
        let content = unsigned.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
        try script.appKey.publicKey.verifyRSASignature(signature, for: Array(content.utf8))
        guard case .appParameters(let app)? = try await channel.pay(request(.app)).value?.payerAction else { Issue.record("expected app parameters"); return }
        #expect(app["orderString"]?.contains("method=alipay.trade.app.pay") == true)
    }

    @Test func billURLIsFetchedAndTheArchiveDownloaded() async throws {
        var script = try AlipayScript()
        let url = "https://dwbillcenter.alipay.com/downloadBillFile.resource?bizType=trade&userId=20880211096256330156&fileType=csv.zip&bizDates=20261121&downloadFileName=20880211096256330156_20261121.csv.zip&fileId=%2Ftrade%2F20880211096256330156%2F20261121.csv.zip&timestamp=1795312800&token=a5b2cb2b2c4a3b6ff3c9e5e6d"
        try script.expect("alipay.data.dataservice.bill.downloadurl.query", biz: #"{"bill_date":"2026-11-21","bill_type":"trade"}"#,
                          answer: #"{"code":"10000","msg":"Success","bill_download_url":"\#(url)"}"#)
        script.expectDownload(url, Data([0x50, 0x4b, 0x03, 0x04, 0x14]))
        let (channel, replay) = try script.channel()
        let file = try await channel.downloadStatement(StatementRequest(date: "2026-11-21"))
        #expect(file.format == "alipay.bill.zip")
        #expect(file.contents.starts(with: [0x50, 0x4b]))
        try replay.verifyAllUsed()
    }
}
