import Foundation
import HISPayCore
import HISPayCrypto
import WeChatPay

/// Test keys from published vectors: the wechatpay-go key pair and certificate (serial
/// F5765756002FDD77) play WeChat Pay's platform; the wechatpay-java 32-byte APIv3 key encrypts.
package struct WeChatPayTestKeys: Sendable {
    package let platformKey: PrivateKey
    package let platformCertificate: Certificate
    package let apiV3KeyText = "a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb"
    package let merchantID = "1900000001"
    /// 2026-11-22 10:00:00 +08:00.
    package let now = Date(timeIntervalSince1970: 1_795_312_800)

    package init() throws {
        let vector = try Fixtures.vector("wechat-v3-rsa-sign-go")["inputs"]
        platformKey = try PrivateKey(pem: vector["private_key_pkcs8_pem"].string)
        platformCertificate = try Certificate(pem: vector["certificate_pem"].string)
    }

    package var apiV3Key: APIv3Key { get throws { try APIv3Key(apiV3KeyText) } }

    package func handler(keys: PlatformKeys? = nil) throws -> WeChatPayV3CallbackHandler {
        WeChatPayV3CallbackHandler(
            verifier: WeChatPayV3Verifier(keys: keys ?? PlatformKeys(certificates: [platformCertificate])),
            apiV3Key: try apiV3Key, merchantIDs: [merchantID])
    }

    /// A notification as WeChat Pay sends it: encrypted resource, signed headers, a JSON body.
    package func notification(
        event: String = "TRANSACTION.SUCCESS",
        resource: String,
        id: String = "EV-2026112200001",
        timestamp: Date? = nil,
        serial: String? = nil,
        encryptWith keyText: String? = nil
    ) throws -> CallbackRequest {
        let nonce = "rEsOuRcEnOnCe"
        let key = try APIv3Key(keyText ?? apiV3KeyText)
        let ciphertext = try key.seal(Data(resource.utf8), nonce: nonce, associatedData: "transaction")
        let body = #"{"id":"\#(id)","create_time":"2026-11-22T10:00:00+08:00","resource_type":"encrypt-resource","event_type":"\#(event)","summary":"支付成功","resource":{"original_type":"transaction","algorithm":"AEAD_AES_256_GCM","ciphertext":"\#(ciphertext)","associated_data":"transaction","nonce":"\#(nonce)"}}"#
        return try signed(body: Data(body.utf8), timestamp: timestamp ?? now, serial: serial ?? platformCertificate.serialNumberHex)
    }

    package func signed(body: Data, timestamp: Date, serial: String) throws -> CallbackRequest {
        let ts = String(Int64(timestamp.timeIntervalSince1970))
        let nonce = "HeAdErNoNcE0001"
        var message = Data("\(ts)\n\(nonce)\n".utf8)
        message.append(body)
        message.append(0x0A)
        let signature = Base64.encode(try platformKey.rsaSignature(for: message))
        return CallbackRequest(
            path: "/notify/wechatpay",
            headers: [
                "Content-Type": "application/json", "Wechatpay-Timestamp": ts, "Wechatpay-Nonce": nonce, "Wechatpay-Signature": signature,
                "Wechatpay-Serial": serial, "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
            ],
            body: body)
    }

    package func transactionResource(outTradeNo: String = "REG20261122001", total: Int64 = 1230, mchid: String? = nil) -> String {
        #"{"mchid":"\#(mchid ?? merchantID)","appid":"wx2421b1c4370ec43b","out_trade_no":"\#(outTradeNo)","transaction_id":"4200002026112212345678","trade_type":"JSAPI","trade_state":"SUCCESS","trade_state_desc":"支付成功","bank_type":"OTHERS","success_time":"2026-11-22T09:59:30+08:00","payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},"amount":{"total":\#(total),"payer_total":\#(total),"currency":"CNY","payer_currency":"CNY"}}"#
    }
}
