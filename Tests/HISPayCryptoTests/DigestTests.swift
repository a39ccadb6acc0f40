import HISPayCrypto
import HISPayTestSupport
import Testing

@Suite struct DigestTests {
    @Test func sm3MatchesGBT32905Examples() throws {
        let vector = try Fixtures.vector("sm3-gbt32905")
        let cases = vector["cases"].array
        #expect(cases.count == 3)
        for item in cases {
            let message = try Hex.decode(item["inputs"]["message_hex"].string)
            let digest = try DigestAlgorithm.sm3.hash(message)
            #expect(Hex.encode(digest) == item["expected"]["sm3_hex"].string.lowercased())
        }
    }

    @Test func sha256SHA1AndMD5MatchKnownAnswers() throws {
        #expect(Hex.encode(try DigestAlgorithm.sha256.hash("abc"))
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Hex.encode(try DigestAlgorithm.sha1.hash("abc")) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(Hex.encode(try DigestAlgorithm.md5.hash("abc")) == "900150983cd24fb0d6963f7d28e17f72")
    }

    @Test func unionPayStringToSignDigestMatchesVector() throws {
        let vector = try Fixtures.vector("unionpay-acp-510-sign-consume-request")
        let digest = try DigestAlgorithm.sha256.hash(vector["expected"]["string_to_sign"].string)
        #expect(Hex.encode(digest) == vector["expected"]["sha256_hex"].string)
    }

    @Test func hmacSHA256MatchesWeChatV2OfficialExample() throws {
        let vector = try Fixtures.vector("wechat-v2-sign")["vectors"][0]
        let key = vector["inputs"]["api_key"].string
        let mac = try HMAC.authenticationCode(
            for: Array(vector["expected"]["stringSignTemp"].string.utf8), key: Array(key.utf8))
        #expect(Hex.encode(mac, uppercase: true) == vector["expected"]["sign_hmac_sha256"].string)
        let md5 = try DigestAlgorithm.md5.hash(vector["expected"]["stringSignTemp"].string)
        #expect(Hex.encode(md5, uppercase: true) == vector["expected"]["sign_md5"].string)
    }

    @Test func hexRejectsOddLengthAndNonHexCharacters() {
        #expect(throws: CryptoError(.malformedEncoding, "")) { try Hex.decode("abc") }
        #expect(throws: CryptoError(.malformedEncoding, "")) { try Hex.decode("zz") }
        #expect(throws: CryptoError(.malformedEncoding, "")) { try Base64.decode("not base64!") }
    }

    @Test func constantTimeComparison() {
        #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2]))
        #expect(ConstantTime.equals([UInt8](), [UInt8]()))
    }
}
