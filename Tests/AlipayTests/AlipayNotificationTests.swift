import Alipay
import Foundation
import HISPayCore
import HISPayCrypto
import HISPayTestSupport
import Testing

@Suite struct AlipayNotificationTests {
    func request(_ fields: [String: String]) -> CallbackRequest {
        CallbackRequest(path: "/notify/alipay", headers: ["Content-Type": "application/x-www-form-urlencoded"], body: Data(AlipayForm.encode(fields).utf8))
    }

    /// The nodejs real notification, with `fund_bill_list` as its original compact JSON text.
    func nodeNotification() throws -> (fields: [String: String], key: PublicKey) {
        let vector = try Fixtures.vector("alipay-notify-verify")["vectors"][0]["inputs"]
        var fields = vector["params"].stringDictionary
        fields["fund_bill_list"] = #"[{"amount":"0.10","fundChannel":"ALIPAYACCOUNT"}]"#
        return (fields, try PublicKey(text: vector["alipay_public_key_base64_spki"].string))
    }

    @Test func realTradeNotificationVerifiesAndIsAcknowledgedWithSuccess() throws {
        let (fields, key) = try nodeNotification()
        let handler = AlipayNotificationHandler(verifier: AlipayVerifier(alipayPublicKey: key), appID: "2019073166072302")
        let verified = try handler.handle(request(fields))
        #expect(verified.event.kind == .paymentSucceeded)
        #expect(verified.event.outTradeNo == "20190815155618536-564-57")
        #expect(verified.event.transactionID == "2019081522001468450512505578")
        #expect(verified.event.amount == Amount(fen: 10))
        #expect(verified.event.occurredAt == BeijingTime.parse("2019-08-15 15:56:24"))
        #expect(verified.event.deduplicationKey == "alipay:2019081500222155624068450559358070")
        #expect(verified.acknowledgement.text == "success")
        #expect(try handler.handle(request(fields)).event == verified.event)  // a retry is the same event
    }

    /// `refund_fee` is the order's total refunded so far — Alipay's asynchronous notification
    /// parameters: "总退款金额 … 退款通知中，返回总退款金额" (https://opendocs.alipay.com/open/203/105286) —
    /// and the official example payment notification (vector 6, opendocs 204/105301) carries
    /// `refund_fee` 0.00: that is a payment. A refund notice's total becomes `refundedTotal`, its
    /// amount is left to the notification centre to derive, `out_biz_no` is the refund number.
    @Test func refundFeeIsTheOrdersRefundedTotalAndZeroIsAPayment() throws {
        let example = try Fixtures.vector("alipay-notify-verify")["vectors"][6]["inputs"]["params"].stringDictionary
        let key = try PrivateKey.generate(.rsa)
        let handler = AlipayNotificationHandler(verifier: AlipayVerifier(alipayPublicKey: try key.publicKey), appID: "2015102700040153")
        func signed(_ fields: [String: String]) throws -> CallbackRequest {
            var fields = fields
            fields["sign"] = nil
            fields["sign"] = try AlipaySigner(privateKey: key).sign(fields).signature
            return request(fields)
        }
        let payment = try handler.handle(signed(example)).event
        #expect(payment.kind == .paymentSucceeded && payment.amount == Amount(fen: 200) && payment.refundedTotal == nil)
        var second = example
        (second["refund_fee"], second["out_biz_no"], second["gmt_refund"], second["notify_id"]) = ("1.50", "0719141034-6418-R2", "2016-07-19 15:00:00", "N2")
        let refund = try handler.handle(signed(second)).event
        #expect(refund.kind == .refundSucceeded && refund.amount == nil && refund.refundedTotal == Amount(fen: 150))
        #expect(refund.outRefundNo == "0719141034-6418-R2" && refund.occurredAt == BeijingTime.parse("2016-07-19 15:00:00"))
    }

    /// Fund-authorisation notices, in the field set of a real `fund_auth_freeze` notice found in
    /// public code (repository not identified by the index): verified, acknowledged with `success`,
    /// and the pre-authorisation events — frozen, released, captured — for the authorisation's
    /// `out_order_no`; an operation and status it does not know is refused by name. (That notice was
    /// signed `RSA`, SHA-1, for an app on the legacy key type; here it is signed RSA2 as the profile's
    /// verifier expects.)
    @Test func fundAuthorisationNoticesArePreAuthorisationEvents() throws {
        let key = try PrivateKey.generate(.rsa)
        let handler = AlipayNotificationHandler(verifier: AlipayVerifier(alipayPublicKey: try key.publicKey), appID: "2018060601228996")
        let freeze = [
            "app_id": "2018060601228996", "total_unfreeze_amount": "0.00", "out_order_no": "60020190621144028500235", "trans_currency": "THB",
            "charset": "utf-8", "out_request_no": "RN60020190621144028500235", "auth_no": "2019062110002001000281886861", "gmt_create": "2019-06-21 14:40:28",
            "version": "1.0", "sign_type": "RSA2", "total_freeze_amount": "500.00", "auth_app_id": "2018060601228996", "status": "SUCCESS",
            "total_pay_amount": "0.00", "rest_amount": "500.00", "payer_user_id": "2088622903359001", "gmt_trans": "2019-06-21 14:40:30", "amount": "500.00",
            "payer_logon_id": "158****7723", "operation_type": "FREEZE", "operation_id": "20190621025153970002", "notify_time": "2019-06-21 14:40:30",
            "notify_id": "ae9dc7b44e2923a8cba50681c832803g02", "notify_type": "fund_auth_freeze",
        ]
        func signed(_ fields: [String: String]) throws -> CallbackRequest {
            var fields = fields
            fields["sign"] = try AlipaySigner(privateKey: key).sign(fields).signature
            return request(fields)
        }
        let frozen = try handler.handle(signed(freeze))
        #expect(frozen.event.kind == .preAuthorizationFrozen && frozen.acknowledgement.text == "success")
        #expect(frozen.event.outTradeNo == "60020190621144028500235" && frozen.event.transactionID == "2019062110002001000281886861")
        #expect(frozen.event.amount == Amount(fen: 50_000) && frozen.event.occurredAt == BeijingTime.parse("2019-06-21 14:40:30"))
        #expect(frozen.event.deduplicationKey == "alipay:ae9dc7b44e2923a8cba50681c832803g02")
        var unfreeze = freeze
        (unfreeze["notify_type"], unfreeze["operation_type"], unfreeze["amount"], unfreeze["notify_id"]) = ("fund_auth_unfreeze", "UNFREEZE", "179.00", "U1")
        let released = try handler.handle(signed(unfreeze)).event
        #expect(released.kind == .preAuthorizationReleased && released.amount == Amount(fen: 17_900))
        var pay = freeze
        (pay["operation_type"], pay["amount"], pay["notify_id"]) = ("PAY", "321.00", "P1")
        #expect(try handler.handle(signed(pay)).event.kind == .preAuthorizationCaptured)
        var odd = freeze
        odd["status"] = "INIT"
        #expect(throws: ChannelError(.invalidResponse, reason: "")) { try handler.handle(signed(odd)) }
        var tampered = freeze
        tampered["sign"] = try AlipaySigner(privateKey: key).sign(freeze).signature
        tampered["amount"] = "5000.00"
        #expect(throws: ChannelError(.signatureInvalid, reason: "")) { try handler.handle(request(tampered)) }
    }

    /// A genuine notice for another app_id is acknowledged and quarantined (a retry would not change
    /// it); a tampered one, or one under another key, is refused.
    @Test func tamperedAmountAndWrongKeyAreRejectedAndAnotherAppIsQuarantined() throws {
        let (fields, key) = try nodeNotification()
        let handler = AlipayNotificationHandler(verifier: AlipayVerifier(alipayPublicKey: key), appID: "2019073166072302")
        var tampered = fields
        tampered["total_amount"] = "100.10"
        #expect(throws: ChannelError(.signatureInvalid, reason: "")) { try handler.handle(request(tampered)) }
        let wrongKey = AlipayNotificationHandler(verifier: AlipayVerifier(alipayPublicKey: try PrivateKey.generate(.rsa).publicKey), appID: "2019073166072302")
        #expect(throws: ChannelError(.signatureInvalid, reason: "")) { try wrongKey.handle(request(fields)) }
        let otherApp = AlipayNotificationHandler(verifier: AlipayVerifier(alipayPublicKey: key), appID: "2021000000000001")
        let quarantined = try otherApp.handle(request(fields))
        #expect(quarantined.quarantine == "notification is for app_id 2019073166072302, not this profile's 2021000000000001")
        #expect(quarantined.acknowledgement.text == "success")
        #expect(try handler.handle(request(fields)).quarantine == nil)
        #expect(throws: ChannelError(.invalidResponse, reason: "")) { try handler.handle(CallbackRequest(path: "/", body: Data("a=%ZZ".utf8))) }
    }

    @Test func publishedNegativeVectorFails() throws {
        let vector = try Fixtures.vector("alipay-notify-verify")["vectors"][2]["inputs"]
        var fields = vector["params"].stringDictionary
        fields["fund_bill_list"] = #"[{"amount":"0.01","fundChannel":"ALIPAYACCOUNT"}]"#
        let verifier = AlipayVerifier(alipayPublicKey: try PublicKey(text: vector["alipay_public_key_base64_spki"].string))
        #expect(throws: ChannelError(.signatureInvalid, reason: "")) { try verifier.verify(notification: fields) }
    }

    /// A correctly signed notice of a kind HISPay does not model — the `servicemarket_order_notify` of
    /// alipay/alipay-sdk-nodejs test/alipay.test.js (vector 3), signed by Alipay's real key — is
    /// acknowledged and delivered as `other` with its verified fields, not refused as "not a trade
    /// notification" and retried all day. A trade notice with an unknown `trade_status` likewise.
    @Test func aVerifiedNoticeOfAnUnmodelledKindIsAcknowledgedAsOther() throws {
        let vector = try Fixtures.vector("alipay-notify-verify")["vectors"][3]["inputs"]
        let fields = vector["params"].stringDictionary
        let handler = AlipayNotificationHandler(
            verifier: AlipayVerifier(alipayPublicKey: try PublicKey(pem: vector["alipay_public_key_pem"].string)), appID: "2017122801303261")
        let verified = try handler.handle(request(fields))
        #expect(verified.event.kind == .other && verified.quarantine == nil)
        #expect(verified.acknowledgement.text == "success")
        #expect(verified.event.outTradeNo.isEmpty && verified.event.amount == nil)
        #expect(verified.event.fields["notify_type"] == "servicemarket_order_notify")
        #expect(verified.event.fields["commodity_order_id"] == "2019030800000018079639")
        #expect(verified.event.fields["sign"] == nil)
        #expect(verified.event.deduplicationKey == "alipay:2019030800222102023008121054923345")
        #expect(verified.event.occurredAt == BeijingTime.parse("2019-03-08 10:20:23"))
        var tampered = fields
        tampered["total_price"] = "9.00"
        #expect(throws: ChannelError(.signatureInvalid, reason: "")) { try handler.handle(request(tampered)) }

        let (trade, _) = try nodeNotification()
        let testKey = try PrivateKey.generate(.rsa)
        var unknown = trade
        unknown["trade_status"] = "TRADE_PENDING_REVIEW"
        unknown["sign"] = nil
        unknown["sign"] = try AlipaySigner(privateKey: testKey).sign(unknown).signature
        let other = try AlipayNotificationHandler(verifier: AlipayVerifier(alipayPublicKey: try testKey.publicKey), appID: "2019073166072302").handle(request(unknown))
        #expect(other.event.kind == .other && other.event.outTradeNo == "20190815155618536-564-57")
    }

    @Test func familiesSignedWithSignTypeVerifyThroughTheFallback() throws {
        let vector = try Fixtures.vector("alipay-notify-verify")["vectors"][3]["inputs"]
        let verifier = AlipayVerifier(alipayPublicKey: try PublicKey(pem: vector["alipay_public_key_pem"].string))
        try verifier.verify(notification: vector["params"].stringDictionary)
    }

    @Test func plusSignIsDecodedExactlyOnceInCertificateMode() throws {
        let vector = try Fixtures.vector("alipay-notify-verify")["vectors"][4]["inputs"]
        let fields = vector["params_after_form_decoding"].stringDictionary
        #expect(fields["subject"] == "yansongda+测试 - 1")
        let key = try Certificate(pem: vector["alipay_public_cert_pem"].string).publicKey
        let handler = AlipayNotificationHandler(verifier: AlipayVerifier(alipayPublicKey: key), appID: "9021000122682882")
        // Encoded as Alipay sends it: '+' as %2B, spaces as '+'.
        let verified = try handler.handle(request(fields))
        #expect(verified.event.fields["subject"] == "yansongda+测试 - 1")
        // Decoding twice (turning the real '+' into a space) breaks the signature.
        var doubled = fields
        doubled["subject"] = "yansongda 测试 - 1"
        #expect(throws: ChannelError(.signatureInvalid, reason: "")) { try handler.handle(request(doubled)) }
    }
}
