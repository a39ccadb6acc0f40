import Foundation
import HISPayCore
import HISPayCrypto
import HISPayTestSupport
import Testing
import WeChatPay

@Suite struct WeChatPayV3SigningTests {
    @Test func authorizationHeaderMatchesPublishedVector() throws {
        let vector = try Fixtures.vector("wechat-v3-authorization-header")["vectors"][1]
        let inputs = vector["inputs"]
        let signer = WeChatPayV3Signer(
            merchantID: inputs["mchid"].string, certificateSerial: inputs["serial_no"].string,
            privateKey: try PrivateKey(pem: inputs["merchant_private_key_pkcs8_pem"].string))
        let signed = try signer.sign(
            method: inputs["method"].string, canonicalURL: inputs["canonical_url"].string, body: Data(inputs["body"].string.utf8),
            timestamp: Int64(inputs["timestamp"].int ?? 0), nonce: inputs["nonce"].string)
        #expect(signed.stringToSign == vector["expected"]["signed_message"].string)
        #expect(signed.authorization == vector["expected"]["authorization"].string)
        let certificate = try Certificate(pem: inputs["merchant_certificate_pem"].string)
        #expect(certificate.serialNumberHex == inputs["serial_no"].string)
    }

    @Test func stringToSignMatchesGoFormatForGetAndPost() throws {
        let vector = try Fixtures.vector("wechat-v3-authorization-header")["vectors"][0]
        let key = try PrivateKey(pem: Fixtures.vector("wechat-v3-rsa-sign-go")["inputs"]["private_key_pkcs8_pem"].string)
        let signer = WeChatPayV3Signer(merchantID: vector["inputs"]["mchid"].string, certificateSerial: vector["inputs"]["serial_no"].string, privateKey: key)
        for (index, item) in vector["inputs"]["cases"].array.enumerated() {
            let signed = try signer.sign(
                method: item["method"].string, canonicalURL: item["canonical_url"].string, body: Data(item["body"].string.utf8),
                timestamp: Int64(vector["inputs"]["timestamp"].int ?? 0), nonce: vector["inputs"]["nonce"].string)
            #expect(signed.stringToSign == vector["expected"]["signed_messages"][index].string)
            #expect(signed.authorization.hasPrefix("WECHATPAY2-SHA256-RSA2048 mchid=\"1234567890\",nonce_str=\"A1B2C3D4E5F6G7\",timestamp=\"1624523846\",serial_no=\"0123456789ABC\",signature=\""))
        }
    }

    @Test func canonicalURLKeepsPathAndQueryOnly() {
        #expect(WeChatPayV3Signer.canonicalURL(of: "https://api.mch.weixin.qq.com/v3/pay/transactions/id/4200?mchid=19") == "/v3/pay/transactions/id/4200?mchid=19")
        #expect(WeChatPayV3Signer.canonicalURL(of: "http://127.0.0.1:8080/v3/certificates") == "/v3/certificates")
        #expect(WeChatPayV3Signer.canonicalURL(of: "https://api.mch.weixin.qq.com") == "/")
    }

    @Test func apiV3KeyMustBe32Bytes() {
        #expect(throws: ChannelError(.configuration, reason: "")) { try APIv3Key("testAPIv3Key0000") }
        #expect(String(describing: try? APIv3Key("a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb")) .contains("redacted"))
    }
}
