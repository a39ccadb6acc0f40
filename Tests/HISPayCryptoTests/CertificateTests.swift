import Foundation
import HISPayCrypto
import HISPayTestSupport
import Testing

@Suite struct CertificateTests {
    let root: Certificate
    let middle: Certificate
    let unionPaySigner: Certificate

    init() throws {
        root = try Certificate(pemOrDER: Fixtures.bytes("certs/unionpay-acp-test/acp_test_root.cer"))
        middle = try Certificate(pemOrDER: Fixtures.bytes("certs/unionpay-acp-test/acp_test_middle.cer"))
        unionPaySigner = try Certificate(
            pem: Fixtures.text("certs/unionpay-acp-test/unionpay_test_signPubKeyCert_2020-2025.pem"))
    }

    /// 2023-11-14, inside the 2020–2025 test certificate's validity.
    static let inside = Date(timeIntervalSince1970: 1_700_000_000)
    /// 2026-11-22, after it expired.
    static let after = Date(timeIntervalSince1970: 1_795_305_600)

    @Test func fieldsMatchWhatOpenSSLReports() {
        #expect(root.subjectCommonName == "CFCA TEST CS CA")
        #expect(middle.issuerCommonName == "CFCA TEST CS CA")
        #expect(unionPaySigner.subjectCommonName == "041@8310000000083040@中国银联股份有限公司@00016495")
        #expect(unionPaySigner.serialNumberHex == "1039308534")
        #expect(unionPaySigner.serialNumberDecimal == String(UInt64(0x10_3930_8534)))
        #expect(unionPaySigner.issuerRFC2253 == "CN=CFCA TEST OCA1,O=China Financial Certification Authority,C=CN")
        #expect(unionPaySigner.notAfter == Date(timeIntervalSince1970: 1_753_924_756))  // 2025-07-31 01:19:16 UTC
        #expect(unionPaySigner.signatureAlgorithmOID.hasPrefix("1.2.840.113549.1.1"))
    }

    @Test func chainVerifiesAtATimeInsideValidity() throws {
        let verifier = CertificateVerifier(roots: [root])
        try verifier.verify(unionPaySigner, intermediates: [middle], at: Self.inside)
        try unionPaySigner.checkValidity(at: Self.inside)
    }

    @Test func expiredCertificateIsRejectedDistinctly() throws {
        let verifier = CertificateVerifier(roots: [root])
        #expect(throws: CryptoError(.certificateExpired, "")) {
            try verifier.verify(unionPaySigner, intermediates: [middle], at: Self.after)
        }
        #expect(throws: CryptoError(.certificateExpired, "")) { try unionPaySigner.checkValidity(at: Self.after) }
        #expect(throws: CryptoError(.certificateNotYetValid, "")) {
            try unionPaySigner.checkValidity(at: Date(timeIntervalSince1970: 1_500_000_000))
        }
    }

    @Test func missingIntermediateOrForeignRootIsUntrusted() throws {
        #expect(throws: CryptoError(.untrustedCertificate, "")) {
            try CertificateVerifier(roots: [root]).verify(unionPaySigner, at: Self.inside)
        }
        let foreign = try Certificate(pem: Fixtures.vector("wechat-v3-rsa-sign-go")["inputs"]["certificate_pem"].string)
        #expect(throws: CryptoError(.untrustedCertificate, "")) {
            try CertificateVerifier(roots: [foreign]).verify(unionPaySigner, intermediates: [middle], at: Self.inside)
        }
    }

    /// The issue's acceptance: a tampered signature, a wrong SM2 ID, a wrong key and an expired
    /// certificate are each rejected, each with its own error code.
    @Test func fourRejectionsHaveFourDistinctCodes() throws {
        let sm2 = try PrivateKey.generate(.sm2)
        let message = Array("notify body".utf8)
        var tampered = try sm2.sm2Signature(for: message, encoding: .raw)
        tampered[5] ^= 0x01
        let rsa = try PrivateKey.generate(.rsa, bits: 2048)
        let rsaSignature = try rsa.rsaSignature(for: message)
        let stranger = try PrivateKey.generate(.rsa, bits: 2048).publicKey

        func code(_ body: () throws -> Void) -> CryptoError.Code? {
            do {
                try body()
                return nil
            } catch let error as CryptoError {
                return error.code
            } catch {
                return nil
            }
        }
        let codes = [
            code { try sm2.publicKey.verifySM2Signature(tampered, for: message, encoding: .raw) },
            code { try sm2.publicKey.verifySM2Signature(try sm2.sm2Signature(for: message), for: message, identifier: "HOSPITAL-01") },
            code { try stranger.verifyRSASignature(rsaSignature, for: message) },
            code { try CertificateVerifier(roots: [root]).verify(unionPaySigner, intermediates: [middle], at: Self.after) },
        ]
        #expect(codes == [.signatureMismatch, .wrongSM2Identifier, .wrongKey, .certificateExpired])
        #expect(Set(codes.compactMap { $0 }).count == 4)
    }

    @Test func malformedCertificateIsATypedError() {
        #expect(throws: CryptoError(.malformedCertificate, "")) { try Certificate(der: [0x30, 0x01, 0x00]) }
        #expect(throws: CryptoError(.malformedCertificate, "")) { try Certificate(pem: "no certificate here") }
    }

    @Test func pkcs12BundleCarriesItsChain() throws {
        let bundle = try PKCS12Bundle(
            der: Fixtures.bytes("certs/unionpay-acp-test/acp_test_sign.pfx"), password: "000000")
        #expect(bundle.certificate.subjectCommonName == "041@Z2014-11-11@700000000000001:SIGN@00000003")
        #expect(bundle.additionalCertificates.count == 2)
    }
}

@Suite struct CertificateIssuerTests {
    static let start = Date(timeIntervalSince1970: 1_795_312_800)
    static let end = start.addingTimeInterval(86_400 * 365)

    @Test func issuedChainVerifiesAndKeepsItsFields() throws {
        let root = try CertificateIssuer.root(commonName: "HISPay Test Root", organization: "HISPay", key: try PrivateKey.generate(.rsa), serial: 1, validFrom: Self.start, until: Self.end)
        let middle = try root.authority(commonName: "HISPay Test Middle", key: try PrivateKey.generate(.rsa), serial: 2, validFrom: Self.start, until: Self.end)
        let leafKey = try PrivateKey.generate(.rsa)
        let leaf = try middle.issue(commonName: "041@Z1@中国银联股份有限公司@00000001", subjectKey: leafKey.publicKey, serial: 73_011_000_123, validFrom: Self.start, until: Self.end)
        try CertificateVerifier(roots: [root.certificate]).verify(leaf, intermediates: [middle.certificate], at: Self.start.addingTimeInterval(60))
        #expect(leaf.subjectCommonName == "041@Z1@中国银联股份有限公司@00000001")
        #expect(leaf.issuerCommonName == "HISPay Test Middle")
        #expect(leaf.serialNumberDecimal == "73011000123")
        #expect(leaf.notBefore == Self.start && leaf.notAfter == Self.end)
        #expect(leaf.matches(leafKey))
        #expect(try Certificate(pem: leaf.pemRepresentation) == leaf)
        // A leaf cannot issue: the chain breaks when it is used as an authority.
        let rogue = try CertificateIssuer(certificate: leaf, privateKey: leafKey)
            .issue(commonName: "rogue", subjectKey: leafKey.publicKey, serial: 9, validFrom: Self.start, until: Self.end)
        #expect(throws: CryptoError(.untrustedCertificate, "")) {
            try CertificateVerifier(roots: [root.certificate]).verify(rogue, intermediates: [middle.certificate, leaf], at: Self.start.addingTimeInterval(60))
        }
        #expect(throws: CryptoError(.certificateExpired, "")) {
            try CertificateVerifier(roots: [root.certificate]).verify(leaf, intermediates: [middle.certificate], at: Self.end.addingTimeInterval(60))
        }
    }

    @Test func bundleExportsToPKCS12AndOpensOnlyWithItsPassword() throws {
        let key = try PrivateKey.generate(.rsa)
        let root = try CertificateIssuer.root(commonName: "HISPay Test Root", key: key, serial: 7, validFrom: Self.start, until: Self.end)
        let leafKey = try PrivateKey.generate(.rsa)
        let leaf = try root.issue(commonName: "merchant", subjectKey: leafKey.publicKey, serial: 8, validFrom: Self.start, until: Self.end)
        let der = try PKCS12Bundle(privateKey: leafKey, certificate: leaf, additionalCertificates: [root.certificate]).der(password: "000000")
        let opened = try PKCS12Bundle(der: der, password: "000000")
        #expect(opened.certificate == leaf)
        #expect(opened.certificate.matches(opened.privateKey))
        #expect(opened.additionalCertificates == [root.certificate])
        #expect(throws: CryptoError(.wrongPassword, "")) { try PKCS12Bundle(der: der, password: "111111") }
        #expect(throws: CryptoError(.keyTypeMismatch, "")) { try PKCS12Bundle(privateKey: key, certificate: leaf) }
    }
}
