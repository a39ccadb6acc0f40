import CHISPayOpenSSL

/// A public verification key: RSA or SM2.
///
/// Loads PEM SubjectPublicKeyInfo (`PUBLIC KEY`) or PKCS#1 (`RSA PUBLIC KEY`), DER, bare base64 DER
/// (Alipay's `alipay_public_key`), and raw SM2 points; certificates give theirs through
/// ``Certificate/publicKey``.
public struct PublicKey: Sendable, Hashable, CustomStringConvertible {
    let handle: KeyHandle
    /// DER SubjectPublicKeyInfo, the key's identity for equality.
    public let derRepresentation: [UInt8]

    init(handle: KeyHandle) throws {
        self.handle = handle
        self.derRepresentation = try handle.publicKeyDER()
    }

    /// Loads a PEM public key (SPKI or PKCS#1).
    public init(pem: String) throws {
        try self.init(handle: KeyHandle.decode(Array(pem.utf8), format: "PEM", publicOnly: true, password: nil))
    }

    /// Loads a DER public key (SPKI or PKCS#1).
    public init(der: [UInt8]) throws {
        try self.init(handle: KeyHandle.decode(der, format: "DER", publicOnly: true, password: nil))
    }

    /// Loads PEM text, or bare base64 DER when the text has no PEM header.
    public init(text: String) throws {
        if text.contains("-----BEGIN") {
            try self.init(pem: text)
        } else {
            try self.init(der: Base64.decode(text))
        }
    }

    /// Makes an SM2 key from its raw point: 65 bytes `04‖X‖Y`, or 64 bytes `X‖Y`.
    public init(sm2Point: [UInt8]) throws {
        var point = sm2Point
        if point.count == 64 { point.insert(0x04, at: 0) }
        guard point.count == 65, point[0] == 0x04 else {
            throw CryptoError(
                .invalidLength, "an SM2 public point is 65 bytes starting 04 (or 64 bytes X‖Y), not \(sm2Point.count)")
        }
        // SubjectPublicKeyInfo { { id-ecPublicKey, sm2p256v1 }, BIT STRING point }.
        let algorithm = DER.sequence(DER.objectIdentifier(SM2.ecPublicKeyOID) + DER.objectIdentifier(SM2.curveOID))
        let der = DER.sequence(algorithm + DER.bitString(point))
        let handle = try KeyHandle.decode(der, format: "DER", keyType: "SM2", publicOnly: true, password: nil)
        guard handle.algorithm == .sm2 else {
            throw CryptoError(.keyTypeMismatch, "the point did not load as an SM2 key")
        }
        try self.init(handle: handle)
    }

    /// The key's algorithm family.
    public var algorithm: KeyAlgorithm { handle.algorithm }

    /// The key size in bits.
    public var bits: Int { handle.bits }

    /// The key as PEM SubjectPublicKeyInfo.
    public var pemRepresentation: String {
        PEM.encode(derRepresentation, label: "PUBLIC KEY")
    }

    public var description: String { "PublicKey(\(algorithm), \(bits) bits)" }

    public static func == (lhs: PublicKey, rhs: PublicKey) -> Bool {
        lhs.derRepresentation == rhs.derRepresentation
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(derRepresentation) }
}
