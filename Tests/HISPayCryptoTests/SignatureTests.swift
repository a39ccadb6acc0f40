import HISPayCrypto
import HISPayTestSupport
import Testing

@Suite struct RSASignatureTests {
    @Test func weChatPayGoVectorSignsAndVerifiesByteExactly() throws {
        let vector = try Fixtures.vector("wechat-v3-rsa-sign-go")
        let key = try PrivateKey(pem: vector["inputs"]["private_key_pkcs8_pem"].string)
        #expect(key.algorithm == .rsa)
        #expect(key.bits == 2048)
        let message = Array(vector["inputs"]["message"].string.utf8)
        let signature = try key.rsaSignature(for: message)
        #expect(Base64.encode(signature) == vector["expected"]["signature_base64"].string)

        let publicKey = try PublicKey(pem: vector["inputs"]["public_key_pem"].string)
        try publicKey.verifyRSASignature(signature, for: message)
        let certificate = try Certificate(pem: vector["inputs"]["certificate_pem"].string)
        #expect(certificate.serialNumberHex == vector["inputs"]["certificate_serial_hex"].string)
        try certificate.publicKey.verifyRSASignature(signature, for: message)
        #expect(try key.publicKey == publicKey)
    }

    @Test func weChatPayJavaVectorVerifiesOnlyWithTheMerchantCertificate() throws {
        let vector = try Fixtures.vector("wechat-v3-rsa-sign-java")
        let key = try PrivateKey(pem: vector["inputs"]["merchant_private_key_pem"].string)
        let message = Array(vector["inputs"]["message"].string.utf8)
        let signature = try key.rsaSignature(for: message)
        #expect(Base64.encode(signature) == vector["expected"]["signature_base64"].string)
        let certificate = try Certificate(pem: vector["inputs"]["merchant_certificate_pem"].string)
        #expect(certificate.serialNumberHex == vector["inputs"]["merchant_certificate_serial"].string)
        try certificate.publicKey.verifyRSASignature(signature, for: message)

        let otherKey = try PublicKey(pem: vector["inputs"]["wechat_pay_public_key_pem"].string)
        #expect(throws: CryptoError(.wrongKey, "")) { try otherKey.verifyRSASignature(signature, for: message) }
    }

    @Test func alipayRSA2VectorFromPKCS1KeyMatches() throws {
        let vector = try Fixtures.vector("alipay-request-sign-rsa2")
        let key = try PrivateKey(pem: vector["inputs"]["app_private_key_pkcs1_pem"].string)
        let content = vector["expected"]["sign_content"].string
        let signature = try key.rsaSignature(for: Array(content.utf8))
        #expect(Base64.encode(signature) == vector["expected"]["sign"].string)
    }

    @Test func bareBase64DERKeysLoadAsAlipayHandsThemOut() throws {
        let vector = try Fixtures.vector("alipay-request-sign-rsa2")
        let pem = vector["inputs"]["app_private_key_pkcs1_pem"].string
        let body = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        let key = try PrivateKey(text: body)
        let message = Array(vector["expected"]["sign_content"].string.utf8)
        #expect(Base64.encode(try key.rsaSignature(for: message)) == vector["expected"]["sign"].string)

        let spki = try key.publicKey.derRepresentation
        let publicKey = try PublicKey(text: Base64.encode(spki))
        try publicKey.verifyRSASignature(try key.rsaSignature(for: message), for: message)
        let reparsed = try PublicKey(pem: publicKey.pemRepresentation)
        #expect(reparsed == publicKey)
    }

    @Test func pkcs1PublicKeyPEMLoads() throws {
        let vector = try Fixtures.vector("wechat-v3-rsa-sign-go")
        let pkcs1 = try PublicKey(pem: Fixtures.text("derived/wechat-v3-rsa-go-public-pkcs1.pem"))
        #expect(pkcs1 == (try PublicKey(pem: vector["inputs"]["public_key_pem"].string)))
        let signature = try Base64.decode(vector["expected"]["signature_base64"].string)
        try pkcs1.verifyRSASignature(signature, for: Array(vector["inputs"]["message"].string.utf8))
    }

    @Test func unionPayConsumeRequestSignatureFromTestPFXMatches() throws {
        let vector = try Fixtures.vector("unionpay-acp-510-sign-consume-request")
        let bundle = try PKCS12Bundle(
            der: Fixtures.bytes("certs/unionpay-acp-test/acp_test_sign.pfx"),
            password: vector["inputs"]["pfx_password"].string)
        #expect(bundle.certificate.serialNumberDecimal == vector["expected"]["certId"].string)
        #expect(bundle.certificate.matches(bundle.privateKey))
        let hex = vector["expected"]["sha256_hex"].string
        let signature = try bundle.privateKey.rsaSignature(for: Array(hex.utf8))
        #expect(Base64.encode(signature) == vector["expected"]["signature"].string)
        try bundle.certificate.publicKey.verifyRSASignature(signature, for: Array(hex.utf8))
    }

    @Test func tamperedContentWrongKeyAndWrongDigestAreDistinctErrors() throws {
        let vector = try Fixtures.vector("wechat-v3-rsa-sign-go")
        let key = try PrivateKey(pem: vector["inputs"]["private_key_pkcs8_pem"].string)
        let publicKey = try key.publicKey
        let body = Array(#"{"out_trade_no":"REG20261122001","amount":{"total":1230}}"#.utf8)
        let signature = try key.rsaSignature(for: body)

        let tampered = Array(#"{"out_trade_no":"REG20261122001","amount":{"total":1}}"#.utf8)
        #expect(throws: CryptoError(.signatureMismatch, "")) { try publicKey.verifyRSASignature(signature, for: tampered) }

        let stranger = try PrivateKey.generate(.rsa, bits: 2048).publicKey
        #expect(throws: CryptoError(.wrongKey, "")) { try stranger.verifyRSASignature(signature, for: body) }

        var flipped = signature
        flipped[10] ^= 0x01
        #expect(throws: CryptoError(.wrongKey, "")) { try publicKey.verifyRSASignature(flipped, for: body) }

        let sha1Signature = try key.rsaSignature(for: body, digest: .sha1)
        #expect(throws: CryptoError(.digestMismatch, "")) { try publicKey.verifyRSASignature(sha1Signature, for: body) }
        try publicKey.verifyRSASignature(sha1Signature, for: body, digest: .sha1)

        #expect(throws: CryptoError(.malformedSignature, "")) {
            try publicKey.verifyRSASignature(Array(signature.prefix(100)), for: body)
        }
    }

    @Test func malformedKeysAndWrongPasswordsAreTypedErrors() throws {
        #expect(throws: CryptoError(.malformedKey, "")) { try PrivateKey(pem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----") }
        #expect(throws: CryptoError(.malformedEncoding, "")) { try PrivateKey(text: "not-a-key!") }
        #expect(throws: CryptoError(.malformedKey, "")) { try PublicKey(der: [0x30, 0x03, 0x02, 0x01, 0x01]) }
        #expect(throws: CryptoError(.wrongPassword, "")) {
            try PKCS12Bundle(der: Fixtures.bytes("certs/unionpay-acp-test/acp_test_sign.pfx"), password: "111111")
        }
        #expect(throws: CryptoError(.malformedKey, "")) { try PKCS12Bundle(der: [1, 2, 3], password: "000000") }
        let rsa = try PrivateKey.generate(.rsa, bits: 2048)
        #expect(throws: CryptoError(.keyTypeMismatch, "")) { try rsa.sm2Signature(for: [1]) }
    }

    @Test func descriptionsNeverContainKeyMaterial() throws {
        let vector = try Fixtures.vector("wechat-v3-rsa-sign-go")
        let key = try PrivateKey(pem: vector["inputs"]["private_key_pkcs8_pem"].string)
        #expect(String(describing: key) == "PrivateKey(RSA, 2048 bits)")
        #expect(!String(reflecting: key).contains("MIIE"))
    }
}

@Suite struct SM2SignatureTests {
    @Test func publishedGBT32918SignatureVerifiesWithDefaultID() throws {
        let vector = try Fixtures.vector("sm2-sign-sm2p256v1-default-id")
        let key = try PrivateKey(sm2Scalar: Hex.decode(vector["inputs"]["private_key_hex"].string))
        #expect(key.algorithm == .sm2)
        let publicKey = try key.publicKey
        let expectedPoint = try Hex.decode("04" + vector["derived_here_not_published"]["public_key_xy_hex"].string)
        #expect(try PublicKey(sm2Point: expectedPoint) == publicKey)

        let raw = try Hex.decode(vector["expected"]["r_hex"].string + vector["expected"]["s_hex"].string)
        let message = Array(vector["inputs"]["message_ascii"].string.utf8)
        try publicKey.verifySM2Signature(raw, for: message, identifier: vector["inputs"]["user_id"].string, encoding: .raw)
        let der = try SM2.derSignature(fromRaw: raw)
        try publicKey.verifySM2Signature(der, for: message)
        #expect(try SM2.rawSignature(fromDER: der) == raw)
    }

    @Test func signaturesAreRandomizedAndVerifyInBothEncodings() throws {
        let key = try PrivateKey.generate(.sm2)
        let message = Array("infno=2207&msgid=H44010600001202611221030000001".utf8)
        let first = try key.sm2Signature(for: message, encoding: .raw)
        let second = try key.sm2Signature(for: message, encoding: .raw)
        #expect(first.count == 64)
        #expect(first != second)
        try key.publicKey.verifySM2Signature(first, for: message, encoding: .raw)
        try key.publicKey.verifySM2Signature(try key.sm2Signature(for: message), for: message)
    }

    @Test func wrongIdentifierTamperedSignatureAndWrongKeyAreDistinctErrors() throws {
        let key = try PrivateKey.generate(.sm2)
        let publicKey = try key.publicKey
        let message = Array("settlement 2207 total 123.45".utf8)
        let signature = try key.sm2Signature(for: message, encoding: .raw)

        #expect(throws: CryptoError(.wrongSM2Identifier, "")) {
            try publicKey.verifySM2Signature(signature, for: message, identifier: "ALICE123@YAHOO.COM", encoding: .raw)
        }
        var tampered = signature
        tampered[40] ^= 0x80
        #expect(throws: CryptoError(.signatureMismatch, "")) {
            try publicKey.verifySM2Signature(tampered, for: message, encoding: .raw)
        }
        #expect(throws: CryptoError(.malformedSignature, "")) {
            try publicKey.verifySM2Signature(Array(signature.prefix(63)), for: message, encoding: .raw)
        }
        let rsaKey = try PrivateKey.generate(.rsa, bits: 2048).publicKey
        #expect(throws: CryptoError(.keyTypeMismatch, "")) {
            try rsaKey.verifySM2Signature(signature, for: message, encoding: .raw)
        }
    }

    @Test func nhsaDemoKeysLoadFromJavaStyleRawForms() throws {
        let vector = try Fixtures.vector("nhsa-sm-envelope-demo-keys")
        let scalar = try Base64.decode(vector["inputs"]["privateKey_b64"].string)
        #expect(scalar.count == 33)
        let key = try PrivateKey(sm2Scalar: scalar)
        let point = try PublicKey(sm2Point: Base64.decode(vector["inputs"]["publicKey_b64"].string))
        #expect(try key.publicKey == point)
        #expect(throws: CryptoError(.invalidLength, "")) { try PrivateKey(sm2Scalar: [1, 2, 3]) }
        #expect(throws: CryptoError(.invalidLength, "")) { try PublicKey(sm2Point: [4, 1, 2]) }
    }

    @Test func sm2KeysRoundTripThroughPEM() throws {
        let key = try PrivateKey.generate(.sm2)
        let reloaded = try PrivateKey(pem: key.pkcs8PEM())
        #expect(reloaded.algorithm == .sm2)
        let message = Array("hello".utf8)
        try key.publicKey.verifySM2Signature(try reloaded.sm2Signature(for: message), for: message)
        let publicKey = try PublicKey(pem: key.publicKey.pemRepresentation)
        #expect(publicKey.algorithm == .sm2)
    }
}
