import Foundation
import HISPayCore
import HISPayCrypto
import HISPayTestSupport
import Testing
import WeChatPay

@Suite struct WeChatPayV3CallbackTests {
    let keys: WeChatPayTestKeys

    init() throws { keys = try WeChatPayTestKeys() }

    @Test func goVectorSignatureVerifiesOverTheRawBody() throws {
        let vector = try Fixtures.vector("wechat-v3-notification")["vectors"][0]["inputs"]
        let certificate = try Certificate(pem: vector["platform_certificate_pem"].string)
        let verifier = WeChatPayV3Verifier(keys: PlatformKeys(certificates: [certificate]))
        let headers = HTTPHeaders(vector["headers"].stringDictionary.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) })
        let now = Date(timeIntervalSince1970: TimeInterval(vector["now_unix_for_test"].int ?? 0))
        try verifier.verify(headers: headers, body: Data(vector["body"].string.utf8), now: now)
        // Its APIv3 key has 16 bytes: a strict AEAD_AES_256_GCM implementation refuses it.
        #expect(throws: ChannelError(.configuration, reason: "")) { try APIv3Key(vector["apiv3_key"].string) }
    }

    @Test func yansongdaVectorVerifiesEscapedBodyAndDecryptsWith32ByteKey() throws {
        let vector = try Fixtures.vector("wechat-v3-notification")["vectors"][1]
        let inputs = vector["inputs"]
        let headerMap = inputs["headers"].stringDictionary
        let certificate = try Certificate(pem: inputs["verify_certificate_pem"].string)
        // The test suite maps the header's serial to this certificate: register it under that serial.
        let verifier = WeChatPayV3Verifier(keys: PlatformKeys(publicKeyID: headerMap["Wechatpay-Serial"], publicKey: try certificate.publicKey))
        let headers = HTTPHeaders(headerMap.map { (name: $0.key, value: $0.value) })
        let body = Data(inputs["body"].string.utf8)
        let now = Date(timeIntervalSince1970: TimeInterval(Int(headerMap["Wechatpay-Timestamp"] ?? "0") ?? 0) + 60)
        try verifier.verify(headers: headers, body: body, now: now)

        // Re-serializing the JSON (dropping the \/ escapes) must break verification.
        let unescaped = Data(inputs["body"].string.replacingOccurrences(of: "\\/", with: "/").utf8)
        #expect(throws: ChannelError(.signatureInvalid, reason: "")) { try verifier.verify(headers: headers, body: unescaped, now: now) }

        // This test body carries only the resource (no id/event_type): refused as a notification,
        // its resource is decrypted inside one that has them.
        #expect(throws: ChannelError(.invalidResponse, reason: "")) { try WeChatPayNotification(body: body) }
        let resource = try #require((try JSONSerialization.jsonObject(with: body) as? [String: Any])?["resource"])
        let wrapped = try JSONSerialization.data(withJSONObject: ["id": "EV-1", "event_type": "TRANSACTION.SUCCESS", "resource": resource])
        let plaintext = try WeChatPayNotification(body: wrapped).decryptResource(apiV3Key: APIv3Key(inputs["apiv3_key"].string))
        #expect(String(decoding: plaintext, as: UTF8.self) == vector["expected"]["resource_plaintext"].string)
    }

    @Test func validPaymentNotificationBecomesAnEventWithAnEmpty204() throws {
        let request = try keys.notification(resource: keys.transactionResource())
        let verified = try keys.handler().handle(request, now: keys.now)
        #expect(verified.event.kind == .paymentSucceeded)
        #expect(verified.event.outTradeNo == "REG20261122001")
        #expect(verified.event.transactionID == "4200002026112212345678")
        #expect(verified.event.amount == Amount(fen: 1230))
        #expect(verified.event.merchantID == keys.merchantID)
        #expect(verified.event.deduplicationKey == "wechatpay:EV-2026112200001")
        // WeChat Pay retries a notification until acknowledged: a retry carries the same key, so a
        // store delivers it once.
        let retry = try keys.handler().handle(request, now: keys.now.addingTimeInterval(60))
        #expect(retry.event == verified.event)
        #expect(verified.event.occurredAt == Date(timeIntervalSince1970: 1_795_312_770))
        #expect(verified.acknowledgement.status == 204)
        #expect(verified.acknowledgement.body.isEmpty)
        let rejection = WeChatPayV3CallbackHandler.rejection()
        #expect(rejection.status == 500)
        #expect(rejection.text == #"{"code":"FAIL","message":"失败"}"#)
    }

    @Test func refundNotificationsMapToSucceededAndFailed() throws {
        let resource = #"{"mchid":"1900000001","out_trade_no":"REG20261122001","transaction_id":"4200002026112212345678","out_refund_no":"RF20261122001","refund_id":"50000000382019052709732678859","refund_status":"SUCCESS","success_time":"2026-11-22T11:00:00+08:00","user_received_account":"招商银行信用卡0403","amount":{"total":1230,"refund":500,"payer_total":1230,"payer_refund":500}}"#
        let ok = try keys.handler().handle(keys.notification(event: "REFUND.SUCCESS", resource: resource), now: keys.now)
        #expect(ok.event.kind == .refundSucceeded)
        #expect(ok.event.outRefundNo == "RF20261122001")
        #expect(ok.event.amount == Amount(fen: 500))
        let failed = try keys.handler().handle(keys.notification(event: "REFUND.ABNORMAL", resource: resource.replacingOccurrences(of: "\"SUCCESS\"", with: "\"ABNORMAL\"")), now: keys.now)
        #expect(failed.event.kind == .refundFailed)
    }

    @Test func eachRejectionHasItsOwnError() throws {
        let handler = try keys.handler()
        let valid = try keys.notification(resource: keys.transactionResource())

        var tampered = valid
        tampered.body = Data(String(decoding: valid.body, as: UTF8.self).replacingOccurrences(of: "EV-2026112200001", with: "EV-2026112200002").utf8)
        let wrongSerial = try keys.notification(resource: keys.transactionResource(), serial: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1")
        let stale = try keys.notification(resource: keys.transactionResource(), timestamp: keys.now.addingTimeInterval(-301))
        var probe = valid
        probe.headers.set("Wechatpay-Signature", "WECHATPAY/SIGNTEST/" + (valid.headers["Wechatpay-Signature"] ?? ""))
        let wrongKey = try keys.notification(resource: keys.transactionResource(), encryptWith: "0123456789abcdef0123456789abcdef")
        let otherMerchant = try keys.notification(resource: keys.transactionResource(mchid: "1900009999"))
        var missingHeader = valid
        missingHeader.headers.remove("Wechatpay-Nonce")

        let cases: [(CallbackRequest, ChannelError.Code)] = [
            (tampered, .signatureInvalid), (wrongSerial, .unknownSigningKey), (stale, .staleTimestamp),
            (probe, .probeSignature), (wrongKey, .decryptionFailed),
            (missingHeader, .invalidResponse),
        ]
        for (request, code) in cases {
            #expect(throws: ChannelError(code, reason: "")) { try handler.handle(request, now: keys.now) }
        }
        #expect(Set(cases.map(\.1)).count == cases.count)
        #expect(try handler.handle(valid, now: keys.now).quarantine == nil)
        // A sub-merchant or merchant the profile does not serve: verified, acknowledged, quarantined.
        let quarantined = try handler.handle(otherMerchant, now: keys.now)
        #expect(quarantined.quarantine == "notification is for merchant 1900009999, not this profile's 1900000001")
        #expect(quarantined.acknowledgement.status == 204)
    }

    /// A signed notification whose body or decrypted resource is not what APIv3 documents is refused
    /// naming the field by its path; an amount with a fraction is refused, never truncated to fen.
    @Test func malformedNotificationsAndResourcesNameTheField() throws {
        let handler = try keys.handler()
        func reason(_ request: CallbackRequest) -> String {
            do {
                _ = try handler.handle(request, now: keys.now)
                return "accepted"
            } catch {
                return error.reason
            }
        }
        let valid = try keys.notification(resource: keys.transactionResource())
        let text = String(decoding: valid.body, as: UTF8.self)
        func resigned(_ body: String) throws -> CallbackRequest {
            try keys.signed(body: Data(body.utf8), timestamp: keys.now, serial: keys.platformCertificate.serialNumberHex)
        }
        #expect(reason(try resigned(text.replacingOccurrences(of: #","nonce":"rEsOuRcEnOnCe""#, with: ""))).hasSuffix("missing resource.nonce"))
        #expect(reason(try resigned(text.replacingOccurrences(of: #""id":"EV-2026112200001""#, with: #""id":7"#))).hasSuffix("wrong type at id"))
        #expect(reason(try resigned(String(text.dropLast()))).hasSuffix("not valid JSON"))
        #expect(reason(try resigned("[]")).hasSuffix("wrong type at the top level (not an object)"))

        let fraction = keys.transactionResource().replacingOccurrences(of: #""total":1230,"#, with: #""total":12.30,"#)
        #expect(reason(try keys.notification(resource: fraction)) == "decrypted transaction resource: wrong type at amount.total")
        let noOrder = keys.transactionResource().replacingOccurrences(of: #""out_trade_no":"REG20261122001","#, with: "")
        #expect(reason(try keys.notification(resource: noOrder)) == "decrypted transaction resource: missing out_trade_no")
        let refund = #"{"mchid":"1900000001","out_trade_no":"REG1","out_refund_no":"R1","refund_id":"50300","refund_status":"SUCCESS","amount":{"total":100}}"#
        #expect(reason(try keys.notification(event: "REFUND.SUCCESS", resource: refund)) == "decrypted refund resource: missing amount.refund")
    }

    @Test func publicKeyModeAndCertificatesWorkSideBySideDuringMigration() throws {
        let publicKeyID = "PUB_KEY_ID_0119000000012026112200000001"
        let migrating = PlatformKeys(certificates: [keys.platformCertificate], publicKeyID: publicKeyID, publicKey: try keys.platformKey.publicKey)
        let handler = try keys.handler(keys: migrating)
        _ = try handler.handle(keys.notification(resource: keys.transactionResource(), serial: publicKeyID), now: keys.now)
        _ = try handler.handle(keys.notification(resource: keys.transactionResource()), now: keys.now)
    }

    @Test func expiredPlatformCertificateIsRefused() throws {
        let later = Date(timeIntervalSince1970: 1_955_000_000)  // 2031-12, after the certificate's 2031-04 expiry
        let request = try keys.notification(resource: keys.transactionResource(), timestamp: later)
        #expect(throws: ChannelError(.certificateInvalid, reason: "")) { try keys.handler().handle(request, now: later) }
    }
}
