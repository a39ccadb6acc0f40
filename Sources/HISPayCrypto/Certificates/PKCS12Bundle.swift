import CHISPayOpenSSL

/// The contents of a PKCS#12 (`.pfx`/`.p12`) file: a private key, its certificate and any CA
/// certificates, as UnionPay issues merchant signing certificates and WeChat Pay v2 issues
/// `apiclient_cert.p12`.
public struct PKCS12Bundle: Sendable {
    /// The private key.
    public let privateKey: PrivateKey
    /// The certificate of ``privateKey``.
    public let certificate: Certificate
    /// Further certificates in the file (usually the issuing CAs).
    public let additionalCertificates: [Certificate]

    /// A bundle of `privateKey` with its `certificate` (and optional CA certificates), to export.
    public init(privateKey: PrivateKey, certificate: Certificate, additionalCertificates: [Certificate] = []) throws {
        guard certificate.matches(privateKey) else {
            throw CryptoError(.keyTypeMismatch, "the certificate (\(certificate)) is not for this private key")
        }
        self.privateKey = privateKey
        self.certificate = certificate
        self.additionalCertificates = additionalCertificates
    }

    /// The bundle as PKCS#12 DER protected by `password` (OpenSSL 3 defaults: AES-256-CBC with
    /// PBKDF2, SHA-256 MAC), as a merchant's `.pfx` file.
    public func der(password: String) throws -> [UInt8] {
        OpenSSLErrors.clear()
        guard let stack = OPENSSL_sk_new_null() else { throw OpenSSLErrors.error(.internalFailure, "could not allocate a certificate list") }
        defer { OPENSSL_sk_free(stack) }
        for extra in additionalCertificates where OPENSSL_sk_push(stack, UnsafeRawPointer(extra.handle.pointer)) == 0 {
            throw OpenSSLErrors.error(.internalFailure, "could not list the CA certificates")
        }
        guard let p12 = PKCS12_create(password, "hispay", privateKey.handle.pointer, certificate.handle.pointer, stack, 0, 0, 0, 0, 0) else {
            throw OpenSSLErrors.error(.internalFailure, "could not make the PKCS#12 file")
        }
        defer { PKCS12_free(p12) }
        var out: UnsafeMutablePointer<UInt8>? = nil
        let length = i2d_PKCS12(p12, &out)
        guard length > 0, let out else { throw OpenSSLErrors.error(.internalFailure, "could not encode the PKCS#12 file") }
        defer { CRYPTO_free(out, #fileID, #line) }
        return Array(UnsafeBufferPointer(start: out, count: Int(length)))
    }

    /// Opens PKCS#12 bytes with `password`; throws ``CryptoError/Code/wrongPassword`` when the
    /// password does not open the file and ``CryptoError/Code/malformedKey`` when it is not PKCS#12.
    public init(der: [UInt8], password: String) throws {
        OpenSSLErrors.clear()
        defer { ERR_clear_error() }
        let parsed = der.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var cursor = buffer.baseAddress
            return d2i_PKCS12(nil, &cursor, buffer.count)
        }
        guard let p12 = parsed else {
            throw OpenSSLErrors.error(.malformedKey, "bytes are not a PKCS#12 file")
        }
        defer { PKCS12_free(p12) }
        guard PKCS12_verify_mac(p12, password, Int32(password.utf8.count)) == 1 else {
            throw CryptoError(.wrongPassword, "the PKCS#12 password does not match (MAC check failed)")
        }
        var key: OpaquePointer? = nil
        var cert: OpaquePointer? = nil
        var cas: OpaquePointer? = nil
        guard PKCS12_parse(p12, password, &key, &cert, &cas) == 1 else {
            throw OpenSSLErrors.error(.malformedKey, "PKCS#12 contents could not be read")
        }
        var extra: [Certificate] = []
        if let cas {
            for index in 0..<OPENSSL_sk_num(cas) {
                if let item = OPENSSL_sk_value(cas, index) {
                    let pointer = OpaquePointer(item)
                    X509_up_ref(pointer)
                    extra.append(try Certificate(handle: CertificateHandle(taking: pointer)))
                }
            }
            OPENSSL_sk_pop_free(cas) { X509_free(OpaquePointer($0)) }
        }
        guard let key, let cert else {
            if let key { EVP_PKEY_free(key) }
            if let cert { X509_free(cert) }
            throw CryptoError(.malformedKey, "PKCS#12 file holds no private key with a certificate")
        }
        privateKey = PrivateKey(handle: KeyHandle(taking: key))
        certificate = try Certificate(handle: CertificateHandle(taking: cert))
        additionalCertificates = extra
    }
}
