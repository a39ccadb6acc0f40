import Foundation
import HISPayCore
import HISPayCrypto

/// Turns a raw APIv2 callback into a `CallbackEvent`.
/// - Payment notify: signed over every non-empty field but `sign`; `result_code=SUCCESS` → `paymentSucceeded`.
/// - Refund notify: no signature; `req_info` is AES-256-ECB under the lower-case hex MD5 of the API key,
///   so only the holder of the key could have made it. `refund_status=SUCCESS` → `refundSucceeded`,
///   `CHANGE`/`REFUNDCLOSE` → `refundFailed`.
public struct WeChatPayV2CallbackHandler: Sendable {
    public let signer: WeChatPayV2Signer
    private let refundKey: [UInt8]
    public let merchantID: String

    public init(apiKey: String, signType: WeChatPayV2Signer.SignType, merchantID: String) throws {
        signer = WeChatPayV2Signer(apiKey: apiKey, signType: signType)
        refundKey = Array(Hex.encode(try DigestAlgorithm.md5.hash(apiKey)).utf8)
        self.merchantID = merchantID
    }

    /// `<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>`.
    public static let acknowledgement = HTTPResponse(
        status: 200, headers: ["Content-Type": "text/xml; charset=utf-8"],
        body: WeChatPayV2XML.build(["return_code": "SUCCESS", "return_msg": "OK"]))

    /// The failure reply (`return_code=FAIL`), so WeChat Pay retries.
    public static func rejection(reason: String) -> HTTPResponse {
        HTTPResponse(
            status: 200, headers: ["Content-Type": "text/xml; charset=utf-8"],
            body: WeChatPayV2XML.build(["return_code": "FAIL", "return_msg": String(reason.prefix(120))]))
    }

    public func handle(_ request: CallbackRequest) throws(ChannelError) -> VerifiedCallback {
        let fields = try WeChatPayV2XML.parse(request.body)
        guard fields["return_code"] == "SUCCESS" else {
            throw ChannelError(.callbackRejected, channel: .wechatPayV2, operation: .callback, reason: "return_code is \(fields["return_code"] ?? "missing")")
        }
        let event = fields["req_info"] != nil ? try refundEvent(fields) : try paymentEvent(fields)
        // Verified (signed or decrypted with this merchant's key) yet naming another mch_id: recorded
        // quarantined and acknowledged, since a retry would not change it.
        let quarantine = fields["mch_id"] == merchantID ? nil : "notification is for merchant \(fields["mch_id"] ?? "?"), not \(merchantID)"
        return VerifiedCallback(event: event, acknowledgement: Self.acknowledgement, quarantine: quarantine)
    }

    private func paymentEvent(_ fields: [String: String]) throws(ChannelError) -> CallbackEvent {
        try signer.verify(fields)
        guard fields["result_code"] == "SUCCESS" else {
            throw ChannelError(.callbackRejected, channel: .wechatPayV2, operation: .callback, reason: "payment notify with result_code \(fields["result_code"] ?? "missing")")
        }
        let transactionID = try require("transaction_id", fields)
        return CallbackEvent(
            kind: .paymentSucceeded, channel: .wechatPayV2, deduplicationKey: "wechatpayV2:pay:\(transactionID)",
            outTradeNo: try require("out_trade_no", fields), transactionID: transactionID,
            amount: try fen("total_fee", fields), merchantID: fields["mch_id"],
            occurredAt: fields["time_end"].flatMap(BeijingTime.parse),
            fields: fields.filter { $0.key != "sign" })
    }

    private func refundEvent(_ outer: [String: String]) throws(ChannelError) -> CallbackEvent {
        let plaintext: [UInt8]
        do {
            plaintext = try BlockCipher(.aes256ECB, key: refundKey).decrypt(Base64.decode(outer["req_info"] ?? ""))
        } catch {
            throw ChannelError(.decryptionFailed, channel: .wechatPayV2, operation: .callback, reason: "req_info does not decrypt with this profile's API key")
        }
        let fields = try WeChatPayV2XML.parse(Data(plaintext))
        let refundID = try require("refund_id", fields)
        let status = try require("refund_status", fields)
        return CallbackEvent(
            kind: status == "SUCCESS" ? .refundSucceeded : .refundFailed, channel: .wechatPayV2,
            deduplicationKey: "wechatpayV2:refund:\(refundID):\(status)", outTradeNo: try require("out_trade_no", fields),
            transactionID: fields["transaction_id"], outRefundNo: try require("out_refund_no", fields),
            amount: try fen("refund_fee", fields), merchantID: outer["mch_id"],
            occurredAt: fields["success_time"].flatMap(BeijingTime.parse), fields: fields)
    }

    private func require(_ key: String, _ fields: [String: String]) throws(ChannelError) -> String {
        guard let value = fields[key], !value.isEmpty else {
            throw ChannelError(.invalidResponse, channel: .wechatPayV2, operation: .callback, reason: "notification lacks \(key)")
        }
        return value
    }

    private func fen(_ key: String, _ fields: [String: String]) throws(ChannelError) -> Amount {
        let text = try require(key, fields)
        do { return try Amount(fenText: text) } catch {
            throw ChannelError(.invalidResponse, channel: .wechatPayV2, operation: .callback, reason: "\(key): \(error)")
        }
    }
}
