import CHISPayOpenSSL
import CHISPayShims
import Synchronization

/// Owns one OpenSSL `EVP_PKEY`. Keys are immutable after loading, so sharing one handle across
/// tasks is safe; every operation works on a context of its own.
///
/// Verification contexts are prepared once per digest and copied per call: OpenSSL 3's
/// `EVP_DigestVerifyInit` looks the signature algorithm and key management up by name and exports
/// the key to its provider on every call — a third of an RSA-2048 verification — while copying an
/// initialised context (`EVP_MD_CTX_copy_ex`) duplicates only the provider's state.
final class KeyHandle: @unchecked Sendable {
    let pointer: OpaquePointer
    /// Initialised verification contexts by digest name, only ever copied from (under the lock); kept
    /// as their addresses, which cross the lock as plain values.
    private let verifiers = Mutex<[String: UInt]>([:])

    /// The algorithm family and size, read once: `EVP_PKEY_is_a` looks the name up (case-insensitively,
    /// under a lock) on every call, and every verification checks the key's type and size.
    let algorithm: KeyAlgorithm
    let bits: Int

    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
        algorithm =
            if EVP_PKEY_is_a(pointer, "SM2") == 1 { .sm2 } else if EVP_PKEY_is_a(pointer, "RSA") == 1 { .rsa } else if EVP_PKEY_is_a(pointer, "EC") == 1 { .ec } else { .other }
        bits = Int(EVP_PKEY_get_bits(pointer))
    }

    deinit {
        verifiers.withLock { contexts in for address in contexts.values { EVP_MD_CTX_free(OpaquePointer(bitPattern: address)) } }
        EVP_PKEY_free(pointer)
    }

    /// A new verification context for `digest` on this key, copied from the prepared one (made on
    /// first use); nil when the key cannot verify with that digest. The caller frees it.
    func verificationContext(_ digest: DigestAlgorithm) throws -> OpaquePointer? {
        let md = try digest.evp
        let key = pointer
        let copied = verifiers.withLock { contexts -> UInt in
            if contexts[digest.name] == nil {
                guard let prepared = EVP_MD_CTX_new() else { return 0 }
                guard EVP_DigestVerifyInit(prepared, nil, md, nil, key) == 1 else {
                    EVP_MD_CTX_free(prepared)
                    return 0
                }
                contexts[digest.name] = UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(prepared)))
            }
            guard let address = contexts[digest.name], let copy = EVP_MD_CTX_new() else { return 0 }
            guard EVP_MD_CTX_copy_ex(copy, OpaquePointer(bitPattern: address)) == 1 else {
                EVP_MD_CTX_free(copy)
                return 0
            }
            return UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(copy)))
        }
        return OpaquePointer(bitPattern: copied)
    }

    /// Decodes a key from PEM or DER bytes with OpenSSL's decoder (PKCS#1, PKCS#8, SEC1, SPKI,
    /// encrypted PKCS#8 with `password`).
    static func decode(
        _ bytes: [UInt8],
        format: String?,
        keyType: String? = nil,
        publicOnly: Bool,
        password: String?
    ) throws -> KeyHandle {
        // OpenSSL 3.0's decoder lookup is not safe to run from several threads at once, and even
        // on one thread its first SM2 lookup in a process intermittently fails with "DECODER
        // routines::unsupported" (2 of 60 `hispay settle` runs) while the same bytes decode on a
        // second attempt. Keys are decoded rarely (on loading a profile): one process-wide lock
        // and one retry of exactly that failure cost nothing.
        try decoderLock.withLock { _ in
            do {
                return try decodeUnlocked(bytes, format: format, keyType: keyType, publicOnly: publicOnly, password: password)
            } catch let error as CryptoError where error.code == .malformedKey && error.reason.contains("DECODER routines::unsupported") {
                return try decodeUnlocked(bytes, format: format, keyType: keyType, publicOnly: publicOnly, password: password)
            }
        }
    }

    private static let decoderLock = Mutex(())

    private static func decodeUnlocked(
        _ bytes: [UInt8], format: String?, keyType: String?, publicOnly: Bool, password: String?
    ) throws -> KeyHandle {
        OpenSSLErrors.clear()
        var pkey: OpaquePointer? = nil
        let selection = publicOnly ? hispay_EVP_PKEY_PUBLIC_KEY() : hispay_EVP_PKEY_KEYPAIR()
        guard let ctx = OSSL_DECODER_CTX_new_for_pkey(&pkey, format, nil, keyType, selection, nil, nil) else {
            throw OpenSSLErrors.error(.internalFailure, "could not create a key decoder")
        }
        defer { OSSL_DECODER_CTX_free(ctx) }
        if let password {
            let pass = Array(password.utf8)
            _ = pass.withUnsafeBufferPointer { OSSL_DECODER_CTX_set_passphrase(ctx, $0.baseAddress, $0.count) }
        }
        let decoded = bytes.withUnsafeBufferPointer { buffer -> Int32 in
            var data = buffer.baseAddress
            var length = buffer.count
            return OSSL_DECODER_from_data(ctx, &data, &length)
        }
        guard decoded == 1, let pkey else {
            let detail = OpenSSLErrors.drain()
            if detail.contains("bad decrypt") || detail.contains("maybe wrong password") {
                throw CryptoError(.wrongPassword, "the key is encrypted and did not open with the given password")
            }
            throw CryptoError(
                .malformedKey,
                publicOnly
                    ? "not a public key in PEM (SPKI or PKCS#1) or DER form (\(detail))"
                    : "not a private key in PEM (PKCS#1, PKCS#8, SEC1) or DER form (\(detail))"
            )
        }
        return KeyHandle(taking: pkey)
    }

    /// Encodes the public half as DER SubjectPublicKeyInfo.
    func publicKeyDER() throws -> [UInt8] {
        var out: UnsafeMutablePointer<UInt8>? = nil
        let length = i2d_PUBKEY(pointer, &out)
        guard length > 0, let out else { throw OpenSSLErrors.error(.internalFailure, "could not encode public key") }
        defer { CRYPTO_free(out, #fileID, #line) }
        return Array(UnsafeBufferPointer(start: out, count: Int(length)))
    }
}
