import CHISPayOpenSSL
import Foundation

/// A certificate authority made in memory: it issues X.509 v3 certificates (SHA-256 signatures,
/// basic constraints, key usage, subject and authority key identifiers) for test chains such as the
/// sandbox's UnionPay root → middle → signing certificate. Not for production PKI.
package struct CertificateIssuer: Sendable {
    /// The authority's own certificate.
    package let certificate: Certificate
    /// The authority's signing key.
    package let privateKey: PrivateKey

    package init(certificate: Certificate, privateKey: PrivateKey) {
        self.certificate = certificate
        self.privateKey = privateKey
    }

    /// A self-signed root authority for `key`.
    package static func root(commonName: String, organization: String? = nil, key: PrivateKey, serial: UInt64, validFrom: Date, until: Date) throws -> CertificateIssuer {
        let certificate = try make(
            commonName: commonName, organization: organization, subjectKey: key.publicKey, serial: serial, validFrom: validFrom, until: until,
            isAuthority: true, issuer: nil, signingKey: key)
        return CertificateIssuer(certificate: certificate, privateKey: key)
    }

    /// A subordinate authority for `key`, issued by this one.
    package func authority(commonName: String, organization: String? = nil, key: PrivateKey, serial: UInt64, validFrom: Date, until: Date) throws -> CertificateIssuer {
        let issued = try Self.make(
            commonName: commonName, organization: organization, subjectKey: key.publicKey, serial: serial, validFrom: validFrom, until: until,
            isAuthority: true, issuer: certificate, signingKey: privateKey)
        return CertificateIssuer(certificate: issued, privateKey: key)
    }

    /// An end-entity (signing) certificate for `subjectKey`, issued by this authority.
    package func issue(commonName: String, organization: String? = nil, subjectKey: PublicKey, serial: UInt64, validFrom: Date, until: Date) throws -> Certificate {
        try Self.make(
            commonName: commonName, organization: organization, subjectKey: subjectKey, serial: serial, validFrom: validFrom, until: until,
            isAuthority: false, issuer: certificate, signingKey: privateKey)
    }

    private static func make(
        commonName: String, organization: String?, subjectKey: PublicKey, serial: UInt64, validFrom: Date, until: Date, isAuthority: Bool,
        issuer: Certificate?, signingKey: PrivateKey
    ) throws -> Certificate {
        OpenSSLErrors.clear()
        guard let x509 = X509_new() else { throw OpenSSLErrors.error(.internalFailure, "could not allocate a certificate") }
        let handle = CertificateHandle(taking: x509)
        func check(_ ok: Bool, _ step: String) throws {
            if !ok { throw OpenSSLErrors.error(.internalFailure, "could not issue certificate \(commonName): \(step)") }
        }
        try check(X509_set_version(x509, 2) == 1, "version")
        try check(ASN1_INTEGER_set_uint64(X509_get_serialNumber(x509), serial) == 1, "serial")
        try check(ASN1_TIME_set(X509_getm_notBefore(x509), time_t(validFrom.timeIntervalSince1970)) != nil, "notBefore")
        try check(ASN1_TIME_set(X509_getm_notAfter(x509), time_t(until.timeIntervalSince1970)) != nil, "notAfter")
        try check(X509_set_pubkey(x509, subjectKey.handle.pointer) == 1, "public key")
        let name = X509_get_subject_name(x509)
        let utf8 = Int32(MBSTRING_FLAG)  // MBSTRING_UTF8
        if let organization {
            try check(X509_NAME_add_entry_by_txt(name, "O", utf8, organization, -1, -1, 0) == 1, "organization")
        }
        try check(X509_NAME_add_entry_by_txt(name, "CN", utf8, commonName, -1, -1, 0) == 1, "common name")
        try check(X509_set_issuer_name(x509, issuer.map { X509_get_subject_name($0.handle.pointer) } ?? name) == 1, "issuer")
        var context = X509V3_CTX()
        X509V3_set_ctx(&context, issuer?.handle.pointer ?? x509, x509, nil, nil, 0)
        let extensions = [
            (NID_basic_constraints, isAuthority ? "critical,CA:TRUE" : "critical,CA:FALSE"),
            (NID_key_usage, isAuthority ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature,nonRepudiation"),
            (NID_subject_key_identifier, "hash"),
            (NID_authority_key_identifier, "keyid:always"),
        ]
        for (nid, value) in extensions {
            guard let ext = X509V3_EXT_conf_nid(nil, &context, nid, value) else { throw OpenSSLErrors.error(.internalFailure, "could not make extension \(value)") }
            defer { X509_EXTENSION_free(ext) }
            try check(X509_add_ext(x509, ext, -1) == 1, "extension \(value)")
        }
        try check(X509_sign(x509, signingKey.handle.pointer, EVP_sha256()) > 0, "signature")
        return try Certificate(handle: handle)
    }
}
