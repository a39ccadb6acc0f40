import Foundation
import HISPayCore
import HISPayCrypto
import WeChatPay
import HISPayTesting

/// Builds WeChat Pay APIv3 cassettes in the published wire format: requests signed by the merchant
/// key (wechatpay-java's test key) at a frozen time with scripted nonces, answers signed by the test
/// platform key (wechatpay-go's), exactly as the gateway would.
package struct WeChatPayScript: Sendable {
    package let keys: WeChatPayTestKeys
    package let merchantKey: PrivateKey
    package let merchantSerial = "5F1C72E2A8931B72A2E13AF8DEE92471EB397115"
    package let baseURL = "https://api.mch.weixin.qq.com"
    package let notifyURL = "https://his.example/notify/wechatpay"
    package var interactions: [Cassette.Interaction] = []
    private var nonceCounter = 0

    package init() throws {
        keys = try WeChatPayTestKeys()
        merchantKey = try PrivateKey(pem: Fixtures.vector("wechat-v3-rsa-sign-java")["inputs"]["merchant_private_key_pem"].string)
    }

    package func configuration(partner: Bool = false, trustPlatformCertificate: Bool = true) throws -> WeChatPayV3Configuration {
        WeChatPayV3Configuration(
            merchantID: keys.merchantID, appID: "wx2421b1c4370ec43b", merchantSerialNo: merchantSerial, privateKey: merchantKey,
            apiV3Key: try keys.apiV3Key, platformKeys: PlatformKeys(certificates: trustPlatformCertificate ? [keys.platformCertificate] : []),
            subMerchantID: partner ? "1900000109" : nil, subAppID: partner ? "wx8888888888888888" : nil,
            notifyURL: notifyURL, baseURL: baseURL)
    }

    /// The channel under test, replaying what was scripted so far.
    package func channel(partner: Bool = false, trustPlatformCertificate: Bool = true, time: ManualTimeSource? = nil) throws -> (WeChatPayV3Channel, ReplayTransport) {
        let replay = ReplayTransport(cassette: Cassette(name: "wechatpay-v3", recordedAt: "2026-11-22T10:00:00+08:00", interactions: interactions))
        let channel = WeChatPayV3Channel(
            configuration: try configuration(partner: partner, trustPlatformCertificate: trustPlatformCertificate), transport: replay, time: time ?? ManualTimeSource(keys.now),
            nonces: ScriptedNonceSource())
        return (channel, replay)
    }

    /// Skips a nonce the channel draws without sending (e.g. for front-end parameters).
    package mutating func skipNonce() { nonceCounter += 1 }

    /// Adds one exchange: the request the channel must send and the answer it gets.
    package mutating func expect(
        _ method: String, _ path: String, body: String? = nil, status: Int = 200, answer: String? = nil,
        answerBytes: Data? = nil, signAnswer: Bool = true, answerTimestamp: Date? = nil, sentAt: Date? = nil
    ) throws {
        nonceCounter += 1
        let nonce = "NONCE\(nonceCounter)"
        let bytes = Data((body ?? "").utf8)
        let signer = WeChatPayV3Signer(merchantID: keys.merchantID, certificateSerial: merchantSerial, privateKey: merchantKey)
        let signature = try signer.sign(
            method: method, canonicalURL: path, body: bytes, timestamp: Int64((sentAt ?? keys.now).timeIntervalSince1970), nonce: nonce)
        var headers: HTTPHeaders = ["Accept": "application/json", "Authorization": signature.authorization]
        if body != nil { headers.add("Content-Type", "application/json") }
        let request = HTTPRequest(method: method, url: baseURL + path, headers: headers, body: bytes)
        interactions.append(Cassette.Interaction(
            request: Cassette.Request(request),
            response: Cassette.Response(try response(status: status, body: answerBytes ?? answer.map { Data($0.utf8) }, sign: signAnswer, at: answerTimestamp ?? sentAt ?? keys.now))))
    }

    /// An answer as the gateway sends it: JSON body, `Request-ID`, and the `Wechatpay-*` signature headers.
    package func response(status: Int, body: Data?, sign: Bool, at time: Date) throws -> HTTPResponse {
        let bytes = body ?? Data()
        var headers: HTTPHeaders = ["Request-ID": "08F4D7C1BD0610A20A18C8B9D5022086F2142861B5ED00"]
        if body != nil { headers.add("Content-Type", "application/json; charset=utf-8") }
        if sign {
            let signed = try keys.signed(body: bytes, timestamp: time, serial: keys.platformCertificate.serialNumberHex)
            for field in signed.headers where field.name != "Wechatpay-Signature-Type" { headers.add(field.name, field.value) }
        }
        return HTTPResponse(status: status, headers: headers, body: bytes)
    }

    /// A `GET /v3/certificates` answer carrying `certificate`, encrypted with the test APIv3 key.
    package func certificateDownload(_ certificate: Certificate) throws -> String {
        let pem = certificate.pemRepresentation
        let ciphertext = try keys.apiV3Key.seal(Data(pem.utf8), nonce: "4de73afd28b6", associatedData: "certificate")
        return #"{"data":[{"effective_time":"2021-04-27T16:55:23+08:00","encrypt_certificate":{"algorithm":"AEAD_AES_256_GCM","associated_data":"certificate","ciphertext":"\#(ciphertext)","nonce":"4de73afd28b6"},"expire_time":"2031-04-25T16:55:23+08:00","serial_no":"\#(certificate.serialNumberHex)"}]}"#
    }

    package static let transactionSuccess = #"{"amount":{"currency":"CNY","payer_currency":"CNY","payer_total":1230,"total":1230},"appid":"wx2421b1c4370ec43b","attach":"","bank_type":"OTHERS","mchid":"1900000001","out_trade_no":"REG20261122001","payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},"success_time":"2026-11-22T09:59:30+08:00","trade_state":"SUCCESS","trade_state_desc":"支付成功","trade_type":"MICROPAY","transaction_id":"4200002026112212345678"}"#

    package static func transaction(state: String, description: String) -> String {
        #"{"amount":{"currency":"CNY","total":1230},"appid":"wx2421b1c4370ec43b","mchid":"1900000001","out_trade_no":"REG20261122001","trade_state":"\#(state)","trade_state_desc":"\#(description)","trade_type":"MICROPAY"}"#
    }
}
