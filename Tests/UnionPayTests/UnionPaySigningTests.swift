import Foundation
import HISPayCore
import HISPayCrypto
import HISPayTestSupport
import Testing
import UnionPay

@Suite struct UnionPaySigningTests {
    let keys: UnionPayTestKeys
    init() throws { keys = try UnionPayTestKeys() }

    @Test func consumeRequestVectorIsReproducedByteForByte() throws {
        let vector = try Fixtures.vector("unionpay-acp-510-sign-consume-request")
        var params = vector["inputs"]["params"].stringDictionary
        params["certId"] = nil  // the signer fills it from the certificate
        let (signed, text) = try UnionPaySigner(method: .certificate(keys.merchant)).sign(params)
        #expect(text == vector["expected"]["string_to_sign"].string)
        #expect(signed["certId"] == vector["expected"]["certId"].string)
        #expect(signed["signature"] == vector["expected"]["signature"].string)
    }

    @Test func anExpiredMerchantCertificateCannotSign() throws {
        let after = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15, after the test pfx expired (2026-11-26)
        #expect(throws: ChannelError(.configuration, reason: "")) { try UnionPaySigner(method: .certificate(keys.merchant)).sign(["merId": "1"], now: after) }
        _ = try UnionPaySigner(method: .certificate(keys.merchant)).sign(["merId": "1"], now: keys.now)
    }

    @Test func publishedBackNotifyAndQueryAnswerVerifyAtTheirOwnTime() throws {
        let root = try Certificate(pemOrDER: Fixtures.bytes("certs/unionpay-acp-test/acp_test_root.cer"))
        let middle = try Certificate(pemOrDER: Fixtures.bytes("certs/unionpay-acp-test/acp_test_middle.cer"))
        let verifier = UnionPayVerifier(roots: [root], middles: [middle])
        for (name, time) in [("unionpay-acp-510-verify-back-notify", "2022-09-08 13:22:06"), ("unionpay-acp-510-verify-query-response", "2022-09-11 04:16:47")] {
            let vector = try Fixtures.vector(name)
            var fields = vector["inputs"]["fields"].stringDictionary
            fields["signature"] = vector["expected"]["signature"].string
            #expect(Hex.encode(try DigestAlgorithm.sha256.hash(UnionPayMessage.stringToSign(fields))) == vector["expected"]["sha256_hex_of_string"].string)
            let at = try #require(BeijingTime.parse(time))
            try verifier.verify(fields, now: at)
            // The same message today: its UnionPay certificate expired on 2025-07-31.
            #expect(throws: ChannelError(.certificateExpired, reason: "")) { try verifier.verify(fields, now: keys.now) }
        }
    }

    @Test func urlEncodedNotifyWithTestEnvironmentOwner() throws {
        let vector = try Fixtures.vector("unionpay-acp-510-verify-urlencoded-notify")
        let fields = try UnionPayMessage.parseForm(Data(vector["inputs"]["raw_body"].string.utf8))
        #expect(Hex.encode(try DigestAlgorithm.sha256.hash(UnionPayMessage.stringToSign(fields))) == vector["expected"]["sha256_hex_of_string"].string)
        let root = try Certificate(pemOrDER: Fixtures.bytes("certs/unionpay-acp-test/acp_test_root.cer"))
        let middle = try Certificate(pemOrDER: Fixtures.bytes("certs/unionpay-acp-test/acp_test_middle.cer"))
        let at = try #require(BeijingTime.parse("2017-10-30 12:00:00"))
        try UnionPayVerifier(roots: [root], middles: [middle], testEnvironment: true).verify(fields, now: at)
        #expect(throws: ChannelError(.certificateOwnerMismatch, reason: "")) {
            try UnionPayVerifier(roots: [root], middles: [middle]).verify(fields, now: at)
        }
    }

    @Test func testMadeChainRejectionsAreDistinct() throws {
        let message = ["merId": "777290058167151", "orderId": "REG20261122001", "txnAmt": "1230", "respCode": "00", "queryId": "782611221000001234567"]
        let verifier = keys.verifier
        // The verifier now remembers the certificate it accepted; the same certificate in 2040 is
        // still expired (the remembered verdict holds only inside the chain's validity).
        try verifier.verify(try keys.signedByUnionPay(message), now: keys.now)
        var tampered = try keys.signedByUnionPay(message)
        tampered["txnAmt"] = "1"
        let cases: [([String: String], Date, ChannelError.Code)] = [
            (tampered, keys.now, .signatureInvalid),
            (try keys.signedByUnionPay(message, as: "rogue"), keys.now, .untrustedCertificate),
            (try keys.signedByUnionPay(message, as: "wrong-owner"), keys.now, .certificateOwnerMismatch),
            (try keys.signedByUnionPay(message), Date(timeIntervalSince1970: 2_208_988_800), .certificateExpired),  // 2040
            (try keys.signedByUnionPay(message, as: "test-env"), keys.now, .certificateOwnerMismatch),
        ]
        for (fields, time, code) in cases {
            #expect(throws: ChannelError(code, reason: "")) { try verifier.verify(fields, now: time) }
        }
        try UnionPayVerifier(roots: [keys.root], middles: [keys.middle], testEnvironment: true).verify(try keys.signedByUnionPay(message, as: "test-env"), now: keys.now)
    }

    @Test func secureKeyMethodsSignAndVerify() throws {
        let fields = ["merId": "777290058167151", "orderId": "REG1", "txnAmt": "1230"]
        for method in [UnionPaySigner.Method.secureKeySHA256("88888888"), .secureKeySM3("88888888")] {
            let (signed, _) = try UnionPaySigner(method: method).sign(fields)
            let verifier = UnionPayVerifier(roots: [], middles: [], secureKey: "88888888")
            try verifier.verify(signed, now: keys.now)
            var tampered = signed
            tampered["txnAmt"] = "1"
            #expect(throws: ChannelError(.signatureInvalid, reason: "")) { try verifier.verify(tampered, now: keys.now) }
        }
    }

    @Test func responseTextKeepsAmpersandsInsideGroups() throws {
        let fields = try UnionPayMessage.parseResponse(Data("respCode=00&riskRateInfo={commodityName=a&b}&reserved=[x=1&y=2]&empty=".utf8))
        #expect(fields == ["respCode": "00", "riskRateInfo": "{commodityName=a&b}", "reserved": "[x=1&y=2]", "empty": ""])
        #expect(throws: ChannelError(.invalidResponse, reason: "")) { try UnionPayMessage.parseResponse(Data("respCode=00&broken".utf8)) }
        #expect(throws: ChannelError(.invalidResponse, reason: "")) { try UnionPayMessage.parseResponse(Data("a=1&a=2".utf8)) }
    }
}
