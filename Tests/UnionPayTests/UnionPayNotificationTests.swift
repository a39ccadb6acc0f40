import Foundation
import HISPayCore
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
            (try notify(otherMerchant), keys.now, .callbackRejected),
        ]
        for (request, time, code) in cases {
            #expect(throws: ChannelError(code, reason: "")) { try handler.handle(request, now: time) }
        }
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
