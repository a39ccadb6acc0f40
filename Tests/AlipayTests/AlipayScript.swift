import Alipay
import Foundation
import HISPayCore
import HISPayCrypto
import HISPayTestSupport
import HISPayTesting

/// Builds Alipay gateway cassettes in the published format: form-encoded requests signed with the
/// published yansongda app key at a frozen time; answers `{"…_response":{…},"sign":"…"}` signed
/// with a test "Alipay" key (the published wechatpay-go test key pair).
struct AlipayScript {
    let appKey: PrivateKey
    let alipayKey: PrivateKey
    let now = Date(timeIntervalSince1970: 1_795_312_800)  // 2026-11-22 10:00:00 +08:00
    let gateway = "https://openapi.alipay.com/gateway.do"
    var interactions: [Cassette.Interaction] = []

    init() throws {
        appKey = try PrivateKey(pem: Fixtures.vector("alipay-request-sign-rsa2")["inputs"]["app_private_key_pkcs1_pem"].string)
        alipayKey = try PrivateKey(pem: Fixtures.vector("wechat-v3-rsa-sign-go")["inputs"]["private_key_pkcs8_pem"].string)
    }

    func configuration() throws -> AlipayConfiguration {
        AlipayConfiguration(
            appID: "2021000000000001", signer: AlipaySigner(privateKey: appKey), verifier: AlipayVerifier(alipayPublicKey: try alipayKey.publicKey),
            notifyURL: "https://his.example/notify/alipay", gateway: gateway)
    }

    func channel() throws -> (AlipayChannel, ReplayTransport) {
        let replay = ReplayTransport(cassette: Cassette(name: "alipay", interactions: interactions))
        return (AlipayChannel(configuration: try configuration(), transport: replay, time: ManualTimeSource(now)), replay)
    }

    /// Adds one gateway exchange: `biz` is the exact biz_content JSON the channel must send.
    mutating func expect(_ method: String, biz: String, notify: Bool = false, answer: String, signWith key: PrivateKey? = nil, signedContent: String? = nil) throws {
        var parameters = [
            "app_id": "2021000000000001", "method": method, "format": "JSON", "charset": "utf-8", "sign_type": "RSA2",
            "timestamp": "2026-11-22 10:00:00", "version": "1.0", "biz_content": biz,
        ]
        if notify { parameters["notify_url"] = "https://his.example/notify/alipay" }
        parameters["sign"] = try AlipaySigner(privateKey: appKey).sign(parameters).signature
        let request = HTTPRequest(
            method: "POST", url: gateway + "?charset=utf-8", headers: ["Content-Type": "application/x-www-form-urlencoded;charset=utf-8"],
            body: Data(AlipayForm.encode(parameters).utf8))
        let signature = Base64.encode(try (key ?? alipayKey).rsaSignature(for: Array((signedContent ?? answer).utf8)))
        let key = method.replacingOccurrences(of: ".", with: "_") + "_response"
        let body = #"{"\#(key)":\#(answer),"sign":"\#(signature)"}"#
        interactions.append(Cassette.Interaction(
            request: Cassette.Request(request),
            response: Cassette.Response(HTTPResponse(status: 200, headers: ["Content-Type": "text/html;charset=utf-8"], body: Data(body.utf8)))))
    }

    mutating func expectDownload(_ url: String, _ bytes: Data) {
        interactions.append(Cassette.Interaction(
            request: Cassette.Request(HTTPRequest(method: "GET", url: url)),
            response: Cassette.Response(HTTPResponse(status: 200, headers: ["Content-Type": "application/oct-stream"], body: bytes))))
    }
}
