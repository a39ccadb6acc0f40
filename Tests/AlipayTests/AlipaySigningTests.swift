import Alipay
import Foundation
import HISPayCore
import HISPayCrypto
import HISPayTestSupport
import Testing

@Suite struct AlipaySigningTests {
    @Test func requestSignatureMatchesPublishedRSA2Vector() throws {
        let vector = try Fixtures.vector("alipay-request-sign-rsa2")
        let signer = AlipaySigner(privateKey: try PrivateKey(pem: vector["inputs"]["app_private_key_pkcs1_pem"].string))
        let (content, signature) = try signer.sign(vector["inputs"]["params"].stringDictionary)
        #expect(content == vector["expected"]["sign_content"].string)
        #expect(signature == vector["expected"]["sign"].string)
    }

    @Test func certificateSNsMatchPublishedValues() throws {
        let node = try Fixtures.vector("alipay-cert-sn")["vectors"][0]
        #expect(try AlipayCertificateSN.of(Certificate(pem: node["inputs"]["app_cert_pem"].string)) == node["expected"]["app_cert_sn"].string)
        let alipayCertificate = try Certificate(pem: node["inputs"]["alipay_public_cert_pem"].string)
        #expect(try AlipayCertificateSN.of(alipayCertificate) == node["expected"]["alipay_cert_sn"].string)
        #expect(try AlipayCertificateSN.root(bundle: node["inputs"]["alipay_root_cert_pem"].string) == node["expected"]["alipay_root_cert_sn"].string)
        #expect(try alipayCertificate.publicKey == PublicKey(text: node["expected"]["alipay_public_key_base64_from_cert"].string))

        let yansongda = try Fixtures.vector("alipay-cert-sn")["vectors"][1]
        #expect(try AlipayCertificateSN.of(Certificate(pem: yansongda["inputs"]["app_cert_pem"].string)) == yansongda["expected"]["app_cert_sn"].string)
        #expect(try AlipayCertificateSN.root(bundle: yansongda["inputs"]["alipay_root_cert_pem"].string) == yansongda["expected"]["alipay_root_cert_sn"].string)
    }

    @Test func contentEncryptionMatchesPublishedVector() throws {
        let vector = try Fixtures.vector("alipay-aes-content-encrypt")
        let cipher = try AlipayContentCipher(encryptKey: vector["inputs"]["encrypt_key_base64"].string)
        #expect(try cipher.encrypt(vector["inputs"]["plaintext"].string) == vector["expected"]["ciphertext_base64"].string)
        #expect(try cipher.decrypt(vector["expected"]["ciphertext_base64"].string) == vector["inputs"]["plaintext"].string)
        #expect(throws: ConfigurationError(.invalidValue, "")) { try AlipayContentCipher(encryptKey: "c2hvcnQ=") }
        let other = try AlipayContentCipher(encryptKey: "AAAAAAAAAAAAAAAAAAAAAA==")
        #expect(throws: ChannelError(.decryptionFailed, reason: "")) { try other.decrypt(vector["expected"]["ciphertext_base64"].string) }
    }

    @Test func responseVerifiesOverTheRawTextOnly() throws {
        let vector = try Fixtures.vector("alipay-response-verify")["vectors"][0]
        let key = try PublicKey(pem: vector["inputs"]["alipay_public_key_pem"].string)
        let body = Data(vector["inputs"]["raw_response"].string.utf8)
        let method = vector["inputs"]["response_key"].string.replacingOccurrences(of: "_response", with: "").replacingOccurrences(of: "_", with: ".")
        let response = try AlipayResponseText(body: body, method: method)
        #expect(response.signedContent == vector["expected"]["signed_content"].string)
        try AlipayVerifier(alipayPublicKey: key).verify(response, method: method)

        // Re-serialized JSON (the \/ escapes dropped) no longer verifies.
        let reserialized = Data(vector["inputs"]["raw_response"].string.replacingOccurrences(of: "\\/", with: "/").utf8)
        #expect(throws: ChannelError(.signatureInvalid, reason: "")) {
            try AlipayVerifier(alipayPublicKey: key).verify(try AlipayResponseText(body: reserialized, method: method), method: method)
        }
    }

    @Test func gopayTradeQueryAnswerVerifiesAndAWrongKeyIsRejected() throws {
        let vector = try Fixtures.vector("alipay-response-verify")["vectors"][1]
        let content = vector["inputs"]["signed_content"].string
        let body = Data(#"{"alipay_trade_query_response":\#(content),"sign":"\#(vector["expected"]["sign"].string)"}"#.utf8)
        let response = try AlipayResponseText(body: body, method: "alipay.trade.query")
        #expect(response.fields["code"] as? String == "10000")
        try AlipayVerifier(alipayPublicKey: PublicKey(text: vector["inputs"]["alipay_public_key_base64_spki"].string)).verify(response, method: "alipay.trade.query")
        let otherKey = try PrivateKey.generate(.rsa).publicKey
        #expect(throws: ChannelError(.signatureInvalid, reason: "")) { try AlipayVerifier(alipayPublicKey: otherKey).verify(response, method: "alipay.trade.query") }
        let rotated = AlipayVerifier(alipayPublicKey: otherKey, alipayCertSN: "7513daaaa48aa3ba2e4018d84402479c")
        let withSN = Data(#"{"alipay_trade_query_response":\#(content),"alipay_cert_sn":"0123456789abcdef0123456789abcdef","sign":"x"}"#.utf8)
        #expect(throws: ChannelError(.unknownSigningKey, reason: "")) { try rotated.verify(try AlipayResponseText(body: withSN, method: "alipay.trade.query"), method: "alipay.trade.query") }
    }

    @Test func responseTextSplitterKeepsBracesInsideStrings() throws {
        let body = Data(#"{"alipay_trade_close_response":{"code":"40004","msg":"Business Failed","sub_code":"ACQ.TRADE_NOT_EXIST","sub_msg":"交易不存在 {x}"},"sign":"abc"}"#.utf8)
        let response = try AlipayResponseText(body: body, method: "alipay.trade.close")
        #expect(response.signedContent == #"{"code":"40004","msg":"Business Failed","sub_code":"ACQ.TRADE_NOT_EXIST","sub_msg":"交易不存在 {x}"}"#)
        let error = try AlipayResponseText(body: Data(#"{"error_response":{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-signature"}}"#.utf8), method: "alipay.trade.close")
        #expect(error.isGatewayError)
        #expect(throws: ChannelError(.invalidResponse, reason: "")) { try AlipayResponseText(body: Data("{}".utf8), method: "alipay.trade.close") }
        #expect(throws: ChannelError(.invalidResponse, reason: "")) { try AlipayResponseText(body: Data(#"{"alipay_trade_close_response":{"code":"#.utf8), method: "alipay.trade.close") }
    }

    @Test func encryptedAnswerIsVerifiedOverItsRawTokenThenDecrypted() throws {
        let cipher = try AlipayContentCipher(encryptKey: "aa4BtZ4tspm2wnXLb1ThQA==")
        let alipayKey = try PrivateKey.generate(.rsa)
        let token = "\"" + (try cipher.encrypt(#"{"code":"10000","msg":"Success","out_trade_no":"REG1","trade_status":"TRADE_SUCCESS"}"#)) + "\""
        let signature = Base64.encode(try alipayKey.rsaSignature(for: Array(token.utf8)))
        var response = try AlipayResponseText(body: Data(#"{"alipay_trade_query_response":\#(token),"sign":"\#(signature)"}"#.utf8), method: "alipay.trade.query")
        #expect(response.signedContent == token)
        try AlipayVerifier(alipayPublicKey: alipayKey.publicKey).verify(response, method: "alipay.trade.query")
        try response.decrypt(with: cipher)
        #expect(response.fields["trade_status"] as? String == "TRADE_SUCCESS")

        let unsigned = try AlipayResponseText(body: Data(#"{"alipay_trade_query_response":\#(token)}"#.utf8), method: "alipay.trade.query")
        #expect(throws: ChannelError(.signatureInvalid, reason: "")) { try AlipayVerifier(alipayPublicKey: alipayKey.publicKey).verify(unsigned, method: "alipay.trade.query") }
    }
}
