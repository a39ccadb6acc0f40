import CHISPayOpenSSL

/// A private signing key: RSA (Alipay, WeChat Pay, UnionPay) or SM2 (NHSA, UnionPay SM).
///
/// Loads every form the channels hand out: PEM in PKCS#1 (`RSA PRIVATE KEY`), PKCS#8
/// (`PRIVATE KEY`, optionally `ENCRYPTED PRIVATE KEY` with a password) or SEC1 (`EC PRIVATE KEY`),
/// bare base64 DER (as Alipay's key tool prints it), raw SM2 scalars, and PKCS#12 (see ``PKCS12Bundle``).
/// The key's bytes never appear in an error or description.
public struct PrivateKey: Sendable, CustomStringConvertible {
    let handle: KeyHandle

    init(handle: KeyHandle) { self.handle = handle }

    /// Loads a PEM private key.
    public init(pem: String, password: String? = nil) throws {
        handle = try KeyHandle.decode(Array(pem.utf8), format: "PEM", publicOnly: false, password: password)
    }

    /// Loads a DER private key (PKCS#1, PKCS#8 or SEC1).
    public init(der: [UInt8]) throws {
        handle = try KeyHandle.decode(der, format: "DER", publicOnly: false, password: nil)
    }

    /// Loads PEM text, or bare base64 DER when the text has no PEM header.
    public init(text: String, password: String? = nil) throws {
        if text.contains("-----BEGIN") {
            try self.init(pem: text, password: password)
        } else {
            try self.init(der: Base64.decode(text))
        }
    }

    /// Makes an SM2 key from its raw private scalar `d` (32 bytes; a 33-byte form with a leading zero,
    /// as Java's `BigInteger.toByteArray` writes it, is accepted). The public point is derived.
    public init(sm2Scalar: [UInt8]) throws {
        var scalar = sm2Scalar
        if scalar.count == 33, scalar[0] == 0 { scalar.removeFirst() }
        guard scalar.count == 32 else {
            throw CryptoError(.invalidLength, "an SM2 private scalar has 32 bytes, not \(sm2Scalar.count)")
        }
        // SEC1 ECPrivateKey { version 1, privateKey, [0] namedCurve sm2p256v1 }.
        let der = DER.sequence(
            DER.integer([1]) + DER.octetString(scalar) + DER.contextSpecific(0, DER.objectIdentifier(SM2.curveOID))
        )
        let decoded = try KeyHandle.decode(der, format: "DER", keyType: "SM2", publicOnly: false, password: nil)
        guard decoded.algorithm == .sm2 else {
            throw CryptoError(.keyTypeMismatch, "the scalar did not load as an SM2 key")
        }
        handle = decoded
    }

    /// Generates a fresh key: RSA of `bits` bits, or SM2 (bits ignored).
    public static func generate(_ algorithm: KeyAlgorithm, bits: Int = 2048) throws -> PrivateKey {
        OpenSSLErrors.clear()
        let name = algorithm == .sm2 ? "SM2" : "RSA"
        guard algorithm == .sm2 || algorithm == .rsa else {
            throw CryptoError(.unsupportedAlgorithm, "key generation supports RSA and SM2, not \(algorithm)")
        }
        guard let ctx = EVP_PKEY_CTX_new_from_name(nil, name, nil) else {
            throw OpenSSLErrors.error(.unsupportedAlgorithm, "\(name) key generation is unavailable")
        }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_keygen_init(ctx) == 1 else {
            throw OpenSSLErrors.error(.internalFailure, "\(name) key generation could not start")
        }
        if algorithm == .rsa, EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, Int32(bits)) != 1 {
            throw OpenSSLErrors.error(.invalidLength, "RSA key size \(bits) rejected")
        }
        var pkey: OpaquePointer? = nil
        guard EVP_PKEY_generate(ctx, &pkey) == 1, let pkey else {
            throw OpenSSLErrors.error(.internalFailure, "\(name) key generation failed")
        }
        return PrivateKey(handle: KeyHandle(taking: pkey))
    }

    /// The key's algorithm family.
    public var algorithm: KeyAlgorithm { handle.algorithm }

    /// The key size in bits (2048 for a usual RSA key, 256 for SM2).
    public var bits: Int { handle.bits }

    /// The matching public key.
    public var publicKey: PublicKey {
        get throws { try PublicKey(der: handle.publicKeyDER()) }
    }

    /// The key as unencrypted PKCS#8 PEM, for writing test material. Handle the result as a secret.
    public func pkcs8PEM() throws -> String {
        try MemoryBIO.collect { bio in PEM_write_bio_PrivateKey(bio, handle.pointer, nil, nil, 0, nil, nil) }
    }

    /// Names the algorithm and size only.
    public var description: String { "PrivateKey(\(algorithm), \(bits) bits)" }
}
