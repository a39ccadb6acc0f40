import Foundation
import HISPayCore
import HISPayCrypto

/// Turns a raw APIv3 callback into a verified, decrypted `CallbackEvent`: verify the signature over
/// the body as received, decrypt the resource, check the merchant, normalize.
/// `TRANSACTION.SUCCESS` becomes `paymentSucceeded`; `REFUND.SUCCESS` `refundSucceeded`;
/// `REFUND.ABNORMAL` and `REFUND.CLOSED` `refundFailed`; any other event type `other`, carrying the
/// decrypted resource. An event for a merchant (or sub-merchant) outside ``merchantIDs`` is delivered
/// with `VerifiedCallback/quarantine` set — recorded and acknowledged, never applied — instead of
/// refused and retried for a day.
public struct WeChatPayV3CallbackHandler: Sendable {
    public let verifier: WeChatPayV3Verifier
    public let apiV3Key: APIv3Key
    /// The merchant ids the event may belong to (the merchant, or in partner mode the sub-merchant).
    public let merchantIDs: Set<String>

    public init(verifier: WeChatPayV3Verifier, apiV3Key: APIv3Key, merchantIDs: Set<String>) {
        self.verifier = verifier
        self.apiV3Key = apiV3Key
        self.merchantIDs = merchantIDs
    }

    /// The reply once the event is durably recorded: `204` with no body.
    public static let acknowledgement = HTTPResponse(status: 204)

    /// The documented failure reply, so WeChat Pay retries.
    public static func rejection() -> HTTPResponse {
        HTTPResponse(
            status: 500, headers: ["Content-Type": "application/json"],
            body: Data(#"{"code":"FAIL","message":"失败"}"#.utf8))
    }

    public func handle(_ request: CallbackRequest, now: Date) throws(ChannelError) -> VerifiedCallback {
        try verifier.verify(headers: request.headers, body: request.body, now: now)
        let notification = try WeChatPayNotification(body: request.body)
        let plaintext = try notification.decryptResource(apiV3Key: apiV3Key)
        let event: CallbackEvent
        switch notification.eventType {
        case "TRANSACTION.SUCCESS":
            event = try paymentEvent(notification, plaintext)
        case "REFUND.SUCCESS", "REFUND.ABNORMAL", "REFUND.CLOSED":
            event = try refundEvent(notification, plaintext)
        default:
            // Verified and decrypted, but not a kind HISPay models: delivered as `other` with the
            // decrypted resource, so WeChat Pay stops retrying and the HIS can act on it.
            event = CallbackEvent(
                kind: .other, channel: .wechatPay, deduplicationKey: "wechatpay:\(notification.id)", outTradeNo: "",
                occurredAt: notification.createTime.flatMap(WeChatPayV3Time.parse),
                fields: ["event_type": notification.eventType, "resource_type": notification.resourceType ?? "", "resource": String(decoding: plaintext, as: UTF8.self)])
        }
        var quarantine: String?
        if let merchant = event.merchantID, !merchantIDs.contains(merchant) {
            quarantine = "notification is for merchant \(merchant), not this profile's \(merchantIDs.sorted().joined(separator: ", "))"
        }
        return VerifiedCallback(event: event, acknowledgement: Self.acknowledgement, quarantine: quarantine)
    }

    private func paymentEvent(_ notification: WeChatPayNotification, _ plaintext: Data) throws(ChannelError) -> CallbackEvent {
        let transaction = try decode(plaintext, "transaction", WeChatPayTransaction.init)
        guard !transaction.outTradeNo.isEmpty else { throw ChannelError(.invalidResponse, channel: .wechatPay, reason: "transaction has an empty out_trade_no") }
        guard transaction.tradeState == "SUCCESS" else {
            throw ChannelError(.invalidResponse, channel: .wechatPay, reason: "TRANSACTION.SUCCESS carries trade_state \(transaction.tradeState)")
        }
        return CallbackEvent(
            kind: .paymentSucceeded, channel: .wechatPay, deduplicationKey: "wechatpay:\(notification.id)",
            outTradeNo: transaction.outTradeNo, transactionID: transaction.transactionID,
            amount: transaction.amount.map { Amount(fen: $0.total) },
            merchantID: transaction.subMerchantID ?? transaction.merchantID,
            occurredAt: transaction.successTime.flatMap(WeChatPayV3Time.parse),
            fields: ["event_type": notification.eventType, "trade_state": transaction.tradeState, "trade_type": transaction.tradeType ?? ""])
    }

    private func refundEvent(_ notification: WeChatPayNotification, _ plaintext: Data) throws(ChannelError) -> CallbackEvent {
        let refund = try decode(plaintext, "refund", WeChatPayRefundResource.init)
        guard !refund.outTradeNo.isEmpty else { throw ChannelError(.invalidResponse, channel: .wechatPay, reason: "refund has an empty out_trade_no") }
        return CallbackEvent(
            kind: notification.eventType == "REFUND.SUCCESS" ? .refundSucceeded : .refundFailed,
            channel: .wechatPay, deduplicationKey: "wechatpay:\(notification.id)",
            outTradeNo: refund.outTradeNo, transactionID: refund.transactionID, outRefundNo: refund.outRefundNo,
            amount: Amount(fen: refund.amount.refund), merchantID: refund.subMerchantID ?? refund.merchantID,
            occurredAt: refund.successTime.flatMap(WeChatPayV3Time.parse),
            fields: ["event_type": notification.eventType, "refund_status": refund.refundStatus, "refund_id": refund.refundID])
    }

    private func decode<T>(
        _ data: Data, _ what: String, _ read: (WeChatPayJSONObject) throws(WeChatPayJSONObject.Problem) -> T
    ) throws(ChannelError) -> T {
        do {
            return try read(WeChatPayJSONObject(data))
        } catch {
            throw ChannelError(.invalidResponse, channel: .wechatPay, reason: "decrypted \(what) resource: \(error)")
        }
    }
}
