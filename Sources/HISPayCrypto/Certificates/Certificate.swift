import CHISPayOpenSSL
import CHISPayShims
import Foundation

/// An X.509 certificate: the fields the channels identify certificates by (serial as UnionPay's
/// decimal `certId` or WeChat's upper-case hex, issuer for Alipay's cert SN), its validity, its
/// public key, and chain verification at an injectable time.
public struct Certificate: Sendable, Hashable, CustomStringConvertible {
    let handle: CertificateHandle
    /// The DER encoding, the certificate's identity for equality.
    public let derRepresentation: [UInt8]

    init(handle: CertificateHandle) throws {
        self.handle = handle
        var out: UnsafeMutablePointer<UInt8>? = nil
        let length = i2d_X509(handle.pointer, &out)
        guard length > 0, let out else { throw OpenSSLErrors.error(.malformedCertificate, "could not encode certificate") }
        defer { CRYPTO_free(out, #fileID, #line) }
        derRepresentation = Array(UnsafeBufferPointer(start: out, count: Int(length)))
    }

    /// Parses a DER certificate.
    public init(der: [UInt8]) throws {
        OpenSSLErrors.clear()
        let parsed = der.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var cursor = buffer.baseAddress
            return d2i_X509(nil, &cursor, buffer.count)
        }
        guard let parsed else { throw OpenSSLErrors.error(.malformedCertificate, "bytes are not a DER X.509 certificate") }
        try self.init(handle: CertificateHandle(taking: parsed))
    }

    /// Parses the first certificate of PEM text (a file may hold a chain: see ``all(pem:)``).
    public init(pem: String) throws {
        guard let first = try Certificate.all(pem: pem).first else {
            throw CryptoError(.malformedCertificate, "text has no -----BEGIN CERTIFICATE----- block")
        }
        self = first
    }

    /// Parses PEM text, or DER bytes when they are not PEM (UnionPay `.cer` files come both ways).
    public init(pemOrDER bytes: [UInt8]) throws {
        if let text = String(validating: bytes, as: UTF8.self), text.contains("-----BEGIN CERTIFICATE-----") {
            try self.init(pem: text)
        } else {
            try self.init(der: bytes)
        }
    }

    /// Every certificate in PEM text, in order.
    public static func all(pem: String) throws -> [Certificate] {
        try PEM.decodeAll(pem, label: "CERTIFICATE").map { try Certificate(der: $0) }
    }

    /// PEM text (`-----BEGIN CERTIFICATE-----`, 64-character lines).
    public var pemRepresentation: String { PEM.encode(derRepresentation, label: "CERTIFICATE") }

    /// Serial number as big-endian bytes.
    public var serialNumber: [UInt8] {
        guard let bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(handle.pointer), nil) else { return [] }
        defer { BN_free(bn) }
        var out = [UInt8](repeating: 0, count: Int((BN_num_bits(bn) + 7) / 8))
        BN_bn2bin(bn, &out)
        return out
    }

    /// Serial number in upper-case hex without leading zeros (WeChat Pay `serial_no`).
    public var serialNumberHex: String {
        let hex = Hex.encode(serialNumber, uppercase: true)
        let trimmed = hex.drop(while: { $0 == "0" })
        return trimmed.isEmpty ? "0" : String(trimmed)
    }

    /// Serial number in decimal (UnionPay `certId`, Alipay cert SN input).
    public var serialNumberDecimal: String {
        guard let bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(handle.pointer), nil) else { return "0" }
        defer { BN_free(bn) }
        guard let text = BN_bn2dec(bn) else { return "0" }
        defer { CRYPTO_free(text, #fileID, #line) }
        return String(cString: text)
    }

    /// Subject common name (UnionPay checks its owner part, e.g. `…@中国银联股份有限公司@…`).
    public var subjectCommonName: String? { Certificate.commonName(of: X509_get_subject_name(handle.pointer)) }

    /// Issuer common name.
    public var issuerCommonName: String? { Certificate.commonName(of: X509_get_issuer_name(handle.pointer)) }

    /// Issuer distinguished name in RFC 2253 order and form (`CN=…,OU=…,O=…,C=…`), UTF-8 kept.
    public var issuerRFC2253: String { Certificate.rfc2253(X509_get_issuer_name(handle.pointer)) }

    /// Subject distinguished name in RFC 2253 order and form.
    public var subjectRFC2253: String { Certificate.rfc2253(X509_get_subject_name(handle.pointer)) }

    /// Start of the validity period.
    public var notBefore: Date { Certificate.date(X509_get0_notBefore(handle.pointer)) }

    /// End of the validity period.
    public var notAfter: Date { Certificate.date(X509_get0_notAfter(handle.pointer)) }

    /// OID of the certificate's signature algorithm, dotted (Alipay's root SN keeps RSA ones only).
    public var signatureAlgorithmOID: String {
        let nid = X509_get_signature_nid(handle.pointer)
        guard let object = OBJ_nid2obj(nid) else { return "" }
        var buffer = [CChar](repeating: 0, count: 128)
        let length = OBJ_obj2txt(&buffer, Int32(buffer.count), object, 1)
        return length > 0 ? buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) } : ""
    }

    /// The subject public key.
    public var publicKey: PublicKey {
        get throws {
            guard let key = X509_get_pubkey(handle.pointer) else {
                throw OpenSSLErrors.error(.malformedKey, "certificate public key is not a supported key")
            }
            return try PublicKey(handle: KeyHandle(taking: key))
        }
    }

    /// Throws ``CryptoError/Code/certificateExpired`` or ``CryptoError/Code/certificateNotYetValid``
    /// unless `time` lies within the validity period.
    public func checkValidity(at time: Date) throws {
        if time < notBefore {
            throw CryptoError(.certificateNotYetValid, "certificate \(describe) is valid only from \(notBefore)")
        }
        if time > notAfter {
            throw CryptoError(.certificateExpired, "certificate \(describe) expired at \(notAfter)")
        }
    }

    /// Whether `key` is this certificate's public key (e.g. the key inside a PKCS#12 matches its certificate).
    public func matches(_ key: PrivateKey) -> Bool {
        (try? key.publicKey == publicKey) ?? false
    }

    /// Serial and subject CN, never key material.
    public var description: String { "Certificate(\(describe))" }

    private var describe: String { "serial \(serialNumberHex), CN \(subjectCommonName ?? "-")" }

    public static func == (lhs: Certificate, rhs: Certificate) -> Bool { lhs.derRepresentation == rhs.derRepresentation }
    public func hash(into hasher: inout Hasher) { hasher.combine(derRepresentation) }

    private static func commonName(of name: OpaquePointer?) -> String? {
        guard let name else { return nil }
        let index = X509_NAME_get_index_by_NID(name, NID_commonName, -1)
        guard index >= 0, let entry = X509_NAME_get_entry(name, index), let data = X509_NAME_ENTRY_get_data(entry)
        else { return nil }
        var utf8: UnsafeMutablePointer<UInt8>? = nil
        let length = ASN1_STRING_to_UTF8(&utf8, data)
        guard length >= 0, let utf8 else { return nil }
        defer { CRYPTO_free(utf8, #fileID, #line) }
        return String(decoding: UnsafeBufferPointer(start: utf8, count: Int(length)), as: UTF8.self)
    }

    private static func rfc2253(_ name: OpaquePointer?) -> String {
        guard let name else { return "" }
        let flags = hispay_XN_FLAG_RFC2253_UTF8()
        return (try? MemoryBIO.collect { bio in X509_NAME_print_ex(bio, name, 0, flags) >= 0 ? 1 : 0 }) ?? ""
    }

    private static func date(_ time: UnsafePointer<ASN1_TIME>?) -> Date {
        var parts = tm()
        guard let time, ASN1_TIME_to_tm(time, &parts) == 1 else { return .distantPast }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }
}
