import HISPayCrypto
import HISPayTestSupport
import Testing

@Suite struct CipherTests {
    @Test func sm4ECBSingleBlockMatchesGBT32907() throws {
        let item = try Fixtures.vector("sm4-gbt32907")["cases"][0]
        let cipher = try BlockCipher(.sm4ECB, key: Hex.decode(item["inputs"]["key_hex"].string), padding: .none)
        let out = try cipher.encrypt(Hex.decode(item["inputs"]["plaintext_hex"].string))
        #expect(Hex.encode(out) == item["expected"]["ciphertext_hex"].string)
        #expect(try cipher.decrypt(out) == Hex.decode(item["inputs"]["plaintext_hex"].string))
    }

    @Test func sm4MillionIterationsMatchGBT32907() throws {
        let item = try Fixtures.vector("sm4-gbt32907")["cases"][1]
        #expect(item["inputs"]["iterations"].int == 1_000_000)
        let cipher = try BlockCipher(.sm4ECB, key: Hex.decode(item["inputs"]["key_hex"].string), padding: .none)
        var block = try Hex.decode(item["inputs"]["plaintext_hex"].string)
        for _ in 0..<1_000_000 { block = try cipher.encrypt(block) }
        #expect(Hex.encode(block) == item["expected"]["ciphertext_hex"].string)
    }

    @Test func sm4CBCMatchesVectorAndRoundTripsWithPadding() throws {
        let item = try Fixtures.vector("sm4-gbt32907")["cases"][2]
        let key = try Hex.decode(item["inputs"]["key_hex"].string)
        let iv = try Hex.decode(item["inputs"]["iv_hex"].string)
        let raw = try BlockCipher(.sm4CBC, key: key, padding: .none)
        #expect(Hex.encode(try raw.encrypt(Hex.decode(item["inputs"]["plaintext_hex"].string), iv: iv))
            == item["expected"]["ciphertext_hex"].string)
        let padded = try BlockCipher(.sm4CBC, key: key)
        let message = Array("{\"userName\":\"张三\"}".utf8)
        let sealed = try padded.encrypt(message, iv: iv)
        #expect(sealed.count == 32)
        #expect(try padded.decrypt(sealed, iv: iv) == message)
    }

    @Test func sm4ECBPKCS7MatchesNHSADemoDerivation() throws {
        let vector = try Fixtures.vector("nhsa-sm-envelope-demo-keys")
        let appID = vector["inputs"]["appId"].string
        let cipher = try BlockCipher(.sm4ECB, key: Array(appID.utf8.prefix(16)))
        let out = try cipher.encrypt(Array(vector["inputs"]["appSecret"].string.utf8))
        #expect(Hex.encode(out, uppercase: true)
            == vector["derived_here_not_published"]["step1_SM4_ECB_PKCS7(key=UTF8(appId[0:16])=\"57E2D561E97141A3\", pt=UTF8(appSecret))_hexUpper"].string)
    }

    @Test func aes128CBCMatchesAlipayContentEncryption() throws {
        let vector = try Fixtures.vector("alipay-aes-content-encrypt")
        let cipher = try BlockCipher(.aes128CBC, key: Base64.decode(vector["inputs"]["encrypt_key_base64"].string))
        let zeroIV = [UInt8](repeating: 0, count: 16)
        let out = try cipher.encrypt(Array(vector["inputs"]["plaintext"].string.utf8), iv: zeroIV)
        #expect(Base64.encode(out) == vector["expected"]["ciphertext_base64"].string)
    }

    @Test func aes256ECBDecryptsWeChatV2RefundReqInfo() throws {
        let vector = try Fixtures.vector("wechat-v2-refund-notify-reqinfo")["vectors"][0]
        let key = Hex.encode(try DigestAlgorithm.md5.hash(vector["inputs"]["api_key"].string))
        let cipher = try BlockCipher(.aes256ECB, key: Array(key.utf8))
        let plain = try cipher.decrypt(Base64.decode(vector["inputs"]["req_info"].string))
        let text = String(decoding: plain, as: UTF8.self)
        #expect(text.hasPrefix("<root>"))
        #expect(text.contains("<out_refund_no>"))
    }

    @Test func wrongKeyOrTruncatedCiphertextIsATypedError() throws {
        let cipher = try BlockCipher(.sm4ECB, key: [UInt8](repeating: 1, count: 16))
        let sealed = try cipher.encrypt(Array("patient fee 12.30".utf8))
        #expect(throws: CryptoError(.decryptionFailed, "")) { try cipher.decrypt(Array(sealed.dropLast())) }
        let other = try BlockCipher(.sm4ECB, key: [UInt8](repeating: 2, count: 16))
        #expect(throws: CryptoError(.decryptionFailed, "")) { try other.decrypt(sealed) }
        #expect(throws: CryptoError(.invalidLength, "")) { try BlockCipher(.sm4ECB, key: [1, 2, 3]) }
        #expect(throws: CryptoError(.invalidLength, "")) {
            try BlockCipher(.sm4CBC, key: [UInt8](repeating: 1, count: 16)).encrypt([1], iv: [1])
        }
    }

    @Test func aesGCMOpensWeChatPayJavaVector() throws {
        let item = try Fixtures.vector("wechat-v3-aes-gcm-decrypt")["vectors"][0]
        let key = Array(item["inputs"]["apiv3_key"].string.utf8)
        #expect(key.count == 32)
        let nonce = Array(item["inputs"]["nonce"].string.utf8)
        let aad = Array(item["inputs"]["associated_data"].string.utf8)
        let sealed = try Base64.decode(item["inputs"]["ciphertext_base64"].string)
        let plain = try AESGCM.open(sealed, key: key, nonce: nonce, associatedData: aad)
        #expect(String(decoding: plain, as: UTF8.self) == item["expected"]["plaintext"].string)
        #expect(try AESGCM.seal(plain, key: key, nonce: nonce, associatedData: aad) == sealed)

        let badAAD = Array(item["negative"]["bad_associated_data"].string.utf8)
        #expect(throws: CryptoError(.authenticationFailed, "")) {
            try AESGCM.open(sealed, key: key, nonce: nonce, associatedData: badAAD)
        }
        let badNonce = Array(item["negative"]["bad_nonce"].string.utf8)
        #expect(throws: CryptoError(.authenticationFailed, "")) {
            try AESGCM.open(sealed, key: key, nonce: badNonce, associatedData: aad)
        }
    }

    @Test func aes128GCMOpensWeChatPayGoVector() throws {
        let item = try Fixtures.vector("wechat-v3-aes-gcm-decrypt")["vectors"][1]
        let key = Array(item["inputs"]["apiv3_key"].string.utf8)
        #expect(key.count == 16)
        let plain = try AESGCM.open(
            Base64.decode(item["inputs"]["ciphertext_base64"].string), key: key,
            nonce: Array(item["inputs"]["nonce"].string.utf8),
            associatedData: Array(item["inputs"]["associated_data"].string.utf8))
        #expect(String(decoding: plain, as: UTF8.self) == item["expected"]["plaintext"].string)
        #expect(throws: CryptoError(.invalidLength, "")) {
            try AESGCM.open(plain, key: [UInt8](repeating: 0, count: 20), nonce: [1])
        }
    }

    /// Sealing and opening reuse cipher contexts: messages of other key sizes, nonce lengths and a
    /// failed open in between, on several tasks at once, must not change any result. Test cases 2
    /// (AES-128, 96-bit nonce), 6 (AES-128, 60-byte nonce) and 14 (AES-256) of McGrew and Viega, "The Galois/Counter
    /// Mode of Operation (GCM)", 2005, appendix B (the test vectors most AES-GCM implementations'
    /// test suites repeat).
    @Test func aesGCMContextsReusedAcrossKeysNoncesAndFailures() async throws {
        struct Case: Sendable { let key, nonce, aad, plain, sealed: [UInt8] }
        let cases = try [
            Case(
                key: [UInt8](repeating: 0, count: 16), nonce: [UInt8](repeating: 0, count: 12), aad: [],
                plain: [UInt8](repeating: 0, count: 16),
                sealed: Hex.decode("0388dace60b6a392f328c2b971b2fe78" + "ab6e47d42cec13bdf53a67b21257bddf")),
            Case(
                key: Hex.decode("feffe9928665731c6d6a8f9467308308"),
                nonce: Hex.decode(
                    "9313225df88406e555909c5aff5269aa6a7a9538534f7da1e4c303d2a318a728c3c0c95156809539fcf0e2429a6b525416aedbf5a0de6a57a637b39b"),
                aad: Hex.decode("feedfacedeadbeeffeedfacedeadbeefabaddad2"),
                plain: Hex.decode(
                    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"),
                sealed: Hex.decode(
                    "8ce24998625615b603a033aca13fb894be9112a5c3a211a8ba262a3cca7e2ca701e4a9a4fba43c90ccdcb281d48c7c6fd62875d2aca417034c34aee5"
                        + "619cc5aefffe0bfa462af43c1699d050")),
            Case(
                key: [UInt8](repeating: 0, count: 32), nonce: [UInt8](repeating: 0, count: 12), aad: [],
                plain: [UInt8](repeating: 0, count: 16),
                sealed: Hex.decode("cea7403d4d606b6e074ec5d3baf39d18" + "d0d1c8a799996bf0265b98b5d48ab919")),
        ]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<4 {
                group.addTask {
                    for round in 0..<200 {
                        let item = cases[(task + round) % cases.count]
                        let sealed = try AESGCM.seal(item.plain, key: item.key, nonce: item.nonce, associatedData: item.aad)
                        #expect(sealed == item.sealed)
                        var altered = item.sealed
                        altered[round % altered.count] ^= 1
                        #expect(throws: CryptoError(.authenticationFailed, "")) {
                            try AESGCM.open(altered, key: item.key, nonce: item.nonce, associatedData: item.aad)
                        }
                        let opened = try AESGCM.open(item.sealed, key: item.key, nonce: item.nonce, associatedData: item.aad)
                        #expect(opened == item.plain)
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}
