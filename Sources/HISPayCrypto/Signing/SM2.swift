/// Constants and encodings of SM2 (GB/T 32918) signatures.
public enum SM2 {
    /// The GM/T 0009 default distinguishing ID. OpenSSL 3 does **not** apply it by itself: HISPay
    /// always passes an ID explicitly, this one unless the caller names another.
    public static let defaultIdentifier = "1234567812345678"

    /// How an SM2 signature is laid out on the wire.
    public struct SignatureEncoding: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// ASN.1 DER `SEQUENCE { INTEGER r, INTEGER s }`, as OpenSSL and X.509 use it.
        public static let der = SignatureEncoding("der")
        /// 64 bytes `r‖s`, each 32-byte big-endian, as NHSA and many Chinese SDKs use it.
        public static let raw = SignatureEncoding("raw")
    }

    /// OID 1.2.156.10197.1.301 (sm2p256v1), content bytes.
    static let curveOID: [UInt8] = [0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x82, 0x2d]
    /// OID 1.2.840.10045.2.1 (id-ecPublicKey), content bytes.
    static let ecPublicKeyOID: [UInt8] = [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01]

    /// Converts a DER signature into 64 bytes `r‖s`.
    public static func rawSignature(fromDER der: [UInt8]) throws -> [UInt8] {
        guard let outer = DER.read(0x30, in: der, at: 0), outer.end == der.count,
            let r = DER.read(0x02, in: der, at: outer.content.startIndex),
            let s = DER.read(0x02, in: der, at: r.end), s.end == outer.content.endIndex
        else {
            throw CryptoError(.malformedSignature, "SM2 signature is not DER SEQUENCE { INTEGER r, INTEGER s }")
        }
        return try fixed32(r.content) + fixed32(s.content)
    }

    /// Converts 64 bytes `r‖s` into a DER signature.
    package static func derSignature(fromRaw raw: [UInt8]) throws -> [UInt8] {
        guard raw.count == 64 else {
            throw CryptoError(.malformedSignature, "a raw SM2 signature is 64 bytes r‖s, not \(raw.count)")
        }
        return DER.sequence(DER.integer(Array(raw[0..<32])) + DER.integer(Array(raw[32..<64])))
    }

    private static func fixed32(_ integer: ArraySlice<UInt8>) throws -> [UInt8] {
        let magnitude = Array(integer.drop(while: { $0 == 0 }))
        guard magnitude.count <= 32 else {
            throw CryptoError(.malformedSignature, "SM2 signature component is longer than 32 bytes")
        }
        return [UInt8](repeating: 0, count: 32 - magnitude.count) + magnitude
    }
}
