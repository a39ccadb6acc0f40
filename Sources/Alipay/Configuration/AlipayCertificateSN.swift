import HISPayCrypto

/// Alipay certificate-mode serial numbers: lower-case hex MD5 of the issuer DN (RFC 2253, as Java's
/// `X500Principal.getName()` prints it) followed by the decimal serial number.
package enum AlipayCertificateSN {
    /// The SN of one certificate (`app_cert_sn`, `alipay_cert_sn`).
    package static func of(_ certificate: Certificate) throws -> String {
        Hex.encode(try DigestAlgorithm.md5.hash(certificate.issuerRFC2253 + certificate.serialNumberDecimal))
    }

    /// `alipay_root_cert_sn`: the SNs of the bundle's RSA-signed certificates (signature OID under
    /// 1.2.840.113549.1.1), joined with `_`; SM2 and ECDSA roots are skipped.
    package static func root(bundle pem: String) throws -> String {
        try Certificate.all(pem: pem)
            .filter { $0.signatureAlgorithmOID.hasPrefix("1.2.840.113549.1.1") }
            .map(of)
            .joined(separator: "_")
    }
}
