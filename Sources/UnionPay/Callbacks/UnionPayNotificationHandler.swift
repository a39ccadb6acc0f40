import Foundation
import HISPayCore
import HISPayCrypto

/// Turns a raw back notification (URL-encoded form) into a `CallbackEvent`: verify as 5.1.0
/// requires, check `merId`, map `txnType` 01 → `paymentSucceeded`, 04 → `refundSucceeded`,
/// 31 → `closed` (consume undone), 02/03/32 → pre-authorisation events; success is `respCode` `00`
/// or `A6` (partial success, flagged in the fields). Any other verified `txnType` (a token activation,
/// 79) is an `other` event carrying its fields; a notification for another `merId` is delivered with
/// `VerifiedCallback/quarantine` set. Acknowledged with HTTP 200.
///
/// Front notifications (the browser return) are never proof of payment: `isFrontNotification(_:)`
/// tells them apart so callers query instead.
public struct UnionPayNotificationHandler: Sendable {
    public let verifier: UnionPayVerifier
    public let merchantID: String

    public init(verifier: UnionPayVerifier, merchantID: String) {
        self.verifier = verifier
        self.merchantID = merchantID
    }

    /// HTTP 200 (UnionPay retries anything else within 10 seconds).
    public static let acknowledgement = HTTPResponse(status: 200, headers: ["Content-Type": "text/plain"], body: Data("ok".utf8))
    public static let rejection = HTTPResponse(status: 500, headers: ["Content-Type": "text/plain"], body: Data("fail".utf8))

    /// Whether a request is the browser's front notification (a return page), not a back notification.
    package static func isFrontNotification(_ request: CallbackRequest, frontURL: String?) -> Bool {
        guard let frontURL, let path = URLComponents(string: frontURL)?.path else { return false }
        return request.path.hasPrefix(path)
    }

    public func handle(_ request: CallbackRequest, now: Date) throws(ChannelError) -> VerifiedCallback {
        let fields = try UnionPayMessage.parseForm(request.body)
        try verifier.verify(fields, now: now)
        let code = fields["respCode"] ?? ""
        guard code == "00" || code == "A6" else {
            throw ChannelError(.callbackRejected, channel: .unionPay, operation: .callback, reason: "notification reports respCode \(code) (\(fields["respMsg"] ?? ""))")
        }
        let quarantine = fields["merId"] == merchantID ? nil : "notification is for merId \(fields["merId"] ?? "?"), not \(merchantID)"
        let kind: CallbackEvent.Kind
        switch fields["txnType"] {
        case "01"?: kind = .paymentSucceeded
        case "04"?: kind = .refundSucceeded
        case "31"?: kind = .closed
        case "02"?: kind = .preAuthorizationFrozen
        case "03"?: kind = .preAuthorizationCaptured
        case "32"?: kind = .preAuthorizationReleased
        default: return other(fields, quarantine: quarantine)
        }
        guard let orderID = fields["orderId"], !orderID.isEmpty, let queryID = fields["queryId"], !queryID.isEmpty else {
            throw ChannelError(.invalidResponse, channel: .unionPay, operation: .callback, reason: "notification lacks orderId or queryId")
        }
        var amount: Amount?
        if let text = fields["txnAmt"] {
            do { amount = try Amount(fenText: text) } catch {
                throw ChannelError(.invalidResponse, channel: .unionPay, operation: .callback, reason: "txnAmt: \(error)")
            }
        }
        var normalized = Self.withoutSignature(fields)
        if code == "A6" { normalized["partialSuccess"] = "true" }
        return VerifiedCallback(
            event: CallbackEvent(
                kind: kind, channel: .unionPay, deduplicationKey: "unionpay:\(queryID):\(fields["txnType"] ?? "")",
                outTradeNo: kind == .refundSucceeded || kind == .closed ? (fields["origOrderId"] ?? orderID) : orderID,
                transactionID: kind == .refundSucceeded || kind == .closed ? fields["origQryId"] ?? queryID : queryID,
                outRefundNo: kind == .refundSucceeded ? orderID : nil, amount: amount, merchantID: fields["merId"],
                occurredAt: fields["txnTime"].flatMap(BeijingTime.parse), fields: normalized),
            acknowledgement: Self.acknowledgement, quarantine: quarantine)
    }

    /// The fields the event carries: all but the signature and the certificate (copied and the two
    /// removed — filtering rehashed every key).
    private static func withoutSignature(_ fields: [String: String]) -> [String: String] {
        var fields = fields
        fields["signature"] = nil
        fields["signPubKeyCert"] = nil
        return fields
    }

    /// A verified notification of a `txnType` not modelled (a token activation, 79, has no `queryId`):
    /// acknowledged and delivered as `other` with its fields.
    private func other(_ fields: [String: String], quarantine: String?) -> VerifiedCallback {
        let verified = Self.withoutSignature(fields)
        return VerifiedCallback(
            event: CallbackEvent(
                kind: .other, channel: .unionPay, deduplicationKey: "unionpay:other:" + DigestAlgorithm.fingerprint(verified),
                outTradeNo: fields["orderId"] ?? "", transactionID: fields["queryId"], merchantID: fields["merId"],
                occurredAt: fields["txnTime"].flatMap(BeijingTime.parse), fields: verified),
            acknowledgement: Self.acknowledgement, quarantine: quarantine)
    }
}
