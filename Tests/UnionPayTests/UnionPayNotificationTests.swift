import Foundation
import HISPayCore
import HISPayCrypto
import HISPayTestSupport
import Testing
import UnionPay

@Suite struct UnionPayNotificationTests {
    let keys: UnionPayTestKeys
    init() throws { keys = try UnionPayTestKeys() }

    func notify(_ fields: [String: String], as signer: String = "signer") throws -> CallbackRequest {
        let signed = try keys.signedByUnionPay(fields, as: signer)
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = signed.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&")
        return CallbackRequest(path: "/notify/unionpay", headers: ["Content-Type": "application/x-www-form-urlencoded"], body: Data(body.utf8))
    }

    let paid = ["merId": "777290058167151", "orderId": "REG20261122001", "queryId": "782611221000001234567", "txnType": "01", "txnSubType": "06",
                "txnAmt": "1230", "respCode": "00", "respMsg": "success", "txnTime": "20261122095930", "settleDate": "1122", "version": "5.1.0"]

    @Test func backNotifyBecomesAnEventAcknowledgedWith200() throws {
        let handler = UnionPayNotificationHandler(verifier: keys.verifier, merchantID: "777290058167151")
        let verified = try handler.handle(try notify(paid), now: keys.now)
        #expect(verified.event.kind == .paymentSucceeded)
        #expect(verified.event.transactionID == "782611221000001234567")
        #expect(verified.event.amount == Amount(fen: 1230))
        #expect(verified.event.fields["settleDate"] == "1122")
        #expect(verified.event.fields["signPubKeyCert"] == nil)
        #expect(verified.acknowledgement.status == 200)
        #expect(try handler.handle(try notify(paid), now: keys.now).event.deduplicationKey == verified.event.deduplicationKey)

        var refund = paid
        refund.merge(["txnType": "04", "orderId": "RF20261122001", "origQryId": "782611221000001234567", "queryId": "782611221100001234599", "txnAmt": "500", "respCode": "A6"]) { $1 }
        let refunded = try handler.handle(try notify(refund), now: keys.now)
        #expect(refunded.event.kind == .refundSucceeded)
        #expect(refunded.event.outRefundNo == "RF20261122001")
        #expect(refunded.event.transactionID == "782611221000001234567")
        #expect(refunded.event.fields["partialSuccess"] == "true")
    }

    /// A token-payment activation notice (`txnType` 79, `bizType` 000902, no `queryId`), in the field
    /// set of the ACP SDK demo's token-open back notification (UnionPay open platform, 无跳转支付 /
    /// 开通 backUrl notice: `activateStatus`, `tokenPayData`), signed by the test chain: acknowledged
    /// and delivered as `other` with its verified fields, instead of refused as "lacks orderId or
    /// queryId" and retried for a day. A tampered one is still refused.
    @Test func aVerifiedTokenActivationIsAcknowledgedAsOther() throws {
        let handler = UnionPayNotificationHandler(verifier: keys.verifier, merchantID: "777290058167151")
        let activation = [
            "merId": "777290058167151", "orderId": "OPEN20261122001", "txnType": "79", "txnSubType": "00", "bizType": "000902",
            "accessType": "0", "activateStatus": "1", "tokenPayData": "{token=6235240000020757157&trId=62000000001}",
            "respCode": "00", "respMsg": "success", "txnTime": "20261122095930", "version": "5.1.0", "encoding": "UTF-8",
        ]
        let request = try notify(activation)
        let verified = try handler.handle(request, now: keys.now)
        #expect(verified.event.kind == .other && verified.quarantine == nil)
        #expect(verified.acknowledgement.status == 200)
        #expect(verified.event.outTradeNo == "OPEN20261122001" && verified.event.amount == nil && verified.event.transactionID == nil)
        #expect(verified.event.fields["txnType"] == "79" && verified.event.fields["activateStatus"] == "1")
        #expect(verified.event.fields["signature"] == nil && verified.event.fields["signPubKeyCert"] == nil)
        #expect(try handler.handle(try notify(activation), now: keys.now).event.deduplicationKey == verified.event.deduplicationKey)
        var tampered = request
        tampered.body = Data(String(decoding: request.body, as: UTF8.self).replacingOccurrences(of: "activateStatus=1", with: "activateStatus=0").utf8)
        #expect(throws: ChannelError(.signatureInvalid, reason: "")) { try handler.handle(tampered, now: keys.now) }
    }

    /// ACP 5.0.0: no `signPubKeyCert`; the message names UnionPay's verify certificate by `certId`
    /// and is signed SHA1withRSA over the SHA-1 hex of the sorted string (the official SDK's
    /// `SDKUtil.validate` for 5.0.0 with `CertUtil.getValidateCert`; reference notes §1.4/§1.6). Signed
    /// here by the test chain's signer, whose certificate the profile keeps in `verifyCertificates`.
    @Test func a500NotificationVerifiesWithTheVerifyCertificateItsCertIdNames() throws {
        let key = try PrivateKey(pem: Fixtures.text("unionpay/signer.key"))
        let certificate = try Certificate(pem: Fixtures.text("unionpay/signer.pem"))
        func signed(_ fields: [String: String], certID: String = certificate.serialNumberDecimal) throws -> CallbackRequest {
            var all = fields
            (all["version"], all["signMethod"], all["certId"]) = ("5.0.0", "01", certID)
            let hex = Hex.encode(try DigestAlgorithm.sha1.hash(UnionPayMessage.stringToSign(all)))
            all["signature"] = Base64.encode(try key.rsaSignature(for: Array(hex.utf8), digest: .sha1))
            return CallbackRequest(path: "/notify/unionpay", body: UnionPayMessage.formBody(all))
        }
        let verifier = UnionPayVerifier(roots: [keys.root], middles: [keys.middle], verifyCertificates: [certificate])
        let handler = UnionPayNotificationHandler(verifier: verifier, merchantID: "777290058167151")
        let event = try handler.handle(try signed(paid), now: keys.now).event
        #expect(event.kind == .paymentSucceeded && event.amount == Amount(fen: 1230))
        #expect(throws: ChannelError(.untrustedCertificate, reason: "")) { try handler.handle(try signed(paid, certID: "1"), now: keys.now) }
        var tampered = try signed(paid)
        tampered.body = Data(String(decoding: tampered.body, as: UTF8.self).replacingOccurrences(of: "txnAmt=1230", with: "txnAmt=1").utf8)
        #expect(throws: ChannelError(.signatureInvalid, reason: "")) { try handler.handle(tampered, now: keys.now) }
        // A 5.1.0 verifier without verify certificates refuses it by name.
        #expect(throws: ChannelError(.untrustedCertificate, reason: "")) {
            try UnionPayNotificationHandler(verifier: keys.verifier, merchantID: "777290058167151").handle(try signed(paid), now: keys.now)
        }
    }

    @Test func eachRejectionIsDistinct() throws {
        let handler = UnionPayNotificationHandler(verifier: keys.verifier, merchantID: "777290058167151")
        var tampered = try notify(paid)
        tampered.body = Data(String(decoding: tampered.body, as: UTF8.self).replacingOccurrences(of: "txnAmt=1230", with: "txnAmt=1").utf8)
        var failed = paid
        failed["respCode"] = "11"
        var otherMerchant = paid
        otherMerchant["merId"] = "777290058100000"
        let cases: [(CallbackRequest, Date, ChannelError.Code)] = [
            (tampered, keys.now, .signatureInvalid),
            (try notify(paid, as: "rogue"), keys.now, .untrustedCertificate),
            (try notify(paid, as: "wrong-owner"), keys.now, .certificateOwnerMismatch),
            (try notify(paid), Date(timeIntervalSince1970: 2_208_988_800), .certificateExpired),
            (try notify(failed), keys.now, .callbackRejected),
        ]
        for (request, time, code) in cases {
            #expect(throws: ChannelError(code, reason: "")) { try handler.handle(request, now: time) }
        }
        // Genuine but another merchant's: acknowledged and quarantined, not retried for a day.
        let quarantined = try handler.handle(try notify(otherMerchant), now: keys.now)
        #expect(quarantined.quarantine == "notification is for merId 777290058100000, not 777290058167151")
        #expect(quarantined.acknowledgement.status == 200)
    }

    @Test func frontNotificationsAreNeverProofOfPayment() async throws {
        let script = try UnionPayScript()
        let (channel, _) = script.channel()
        var front = try notify(paid)
        front.path = "/pay/return?x=1"
        do {
            _ = try await channel.verifyCallback(front)
            Issue.record("a front notification must be refused")
        } catch let error as ChannelError {
            #expect(error.code == .callbackRejected)
            #expect(error.reason.contains("never proof of payment"))
        }
    }
}
