import CHISPayOpenSSL
import Foundation

/// AES in Galois/Counter Mode (AEAD), as WeChat Pay APIv3 uses it for notifications and platform
/// certificates (`AEAD_AES_256_GCM`: 32-byte key, 12-byte nonce, 16-byte tag after the ciphertext).
public enum AESGCM {
    /// Length of the authentication tag appended to the ciphertext.
    package static let tagLength = 16

    /// Encrypts `plaintext` and returns ciphertext‖tag. `key` is 16, 24 or 32 bytes. The ciphertext
    /// and tag are written once, into the array returned (no zero-filling, no copies).
    public static func seal(
        _ plaintext: [UInt8],
        key: [UInt8],
        nonce: [UInt8],
        associatedData: [UInt8] = []
    ) throws -> [UInt8] {
        try withContext(key: key, nonce: nonce, encrypting: true) { ctx in
            var length: Int32 = 0
            if !associatedData.isEmpty {
                guard EVP_EncryptUpdate(ctx, nil, &length, associatedData, Int32(associatedData.count)) == 1 else {
                    throw OpenSSLErrors.error(.internalFailure, "GCM associated data rejected")
                }
            }
            return try [UInt8](unsafeUninitializedCapacity: plaintext.count + tagLength) { buffer, count in
                guard let start = buffer.baseAddress, EVP_EncryptUpdate(ctx, start, &length, plaintext, Int32(plaintext.count)) == 1 else {
                    throw OpenSSLErrors.error(.internalFailure, "GCM encryption failed")
                }
                var final: Int32 = 0
                guard EVP_EncryptFinal_ex(ctx, start + Int(length), &final) == 1,
                    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, Int32(tagLength), start + Int(length + final)) == 1
                else { throw OpenSSLErrors.error(.internalFailure, "GCM tag could not be produced") }
                count = Int(length + final) + tagLength
            }
        }
    }

    /// Decrypts ciphertext‖tag, or throws ``CryptoError/Code/authenticationFailed`` when the key,
    /// nonce or associated data is wrong or the ciphertext was altered.
    public static func open(
        _ sealed: [UInt8],
        key: [UInt8],
        nonce: [UInt8],
        associatedData: [UInt8] = []
    ) throws -> [UInt8] {
        _ = try variant(forKeyLength: key.count)
        guard sealed.count >= tagLength else {
            throw CryptoError(.authenticationFailed, "GCM input of \(sealed.count) bytes is shorter than its tag")
        }
        let ciphertextLength = sealed.count - tagLength
        var tag = Array(sealed.suffix(tagLength))
        return try withContext(key: key, nonce: nonce, encrypting: false) { ctx in
            var length: Int32 = 0
            if !associatedData.isEmpty {
                guard EVP_DecryptUpdate(ctx, nil, &length, associatedData, Int32(associatedData.count)) == 1 else {
                    throw OpenSSLErrors.error(.internalFailure, "GCM associated data rejected")
                }
            }
            return try [UInt8](unsafeUninitializedCapacity: ciphertextLength + tagLength) { buffer, count in
                let decrypted = sealed.withUnsafeBufferPointer { input in
                    EVP_DecryptUpdate(ctx, buffer.baseAddress, &length, input.baseAddress, Int32(ciphertextLength))
                }
                guard let start = buffer.baseAddress, decrypted == 1, EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, Int32(tagLength), &tag) == 1 else {
                    throw OpenSSLErrors.error(.internalFailure, "GCM decryption failed")
                }
                var final: Int32 = 0
                guard EVP_DecryptFinal_ex(ctx, start + Int(length), &final) == 1 else {
                    throw CryptoError(
                        .authenticationFailed,
                        "GCM authentication failed: wrong key, nonce or associated data, or altered ciphertext")
                }
                count = Int(length + final)
            }
        }
    }

    /// Cipher contexts set up for AES-128, -192 and -256 GCM (by ``variant(forKeyLength:)``) and kept
    /// for the next message, at most ``idleLimit`` each: a kept one only takes the new key and nonce.
    /// Profiled against `openssl speed -aead`, a context and its provider state made per message, the
    /// nonce length set by name each time, the error queue cleared twice and the cipher looked up by
    /// name were together a fifth of sealing 8 KiB.
    private static let idle = Idle()
    private static let idleLimit = 16
    private static let names = ["AES-128-GCM", "AES-192-GCM", "AES-256-GCM"]
    /// GCM's nonce length unless set otherwise (a context given another length is not kept).
    private static let defaultNonceLength = 12

    /// The kept contexts, each held by one caller at a time. An `NSLock` rather than the standard
    /// library's `Mutex`, which ThreadSanitizer cannot see.
    private final class Idle: @unchecked Sendable {
        private let lock = NSLock()
        private var contexts: [[OpaquePointer]] = [[], [], []]

        func take(_ variant: Int) -> OpaquePointer? { lock.withLock { contexts[variant].popLast() } }

        /// Keeps `ctx` for the next message, or frees it when ``idleLimit`` are kept already.
        func give(_ ctx: OpaquePointer, _ variant: Int) {
            let kept = lock.withLock {
                guard contexts[variant].count < idleLimit else { return false }
                contexts[variant].append(ctx)
                return true
            }
            if !kept { EVP_CIPHER_CTX_free(ctx) }
        }
    }

    private static func withContext<T>(
        key: [UInt8],
        nonce: [UInt8],
        encrypting: Bool,
        _ body: (OpaquePointer) throws -> T
    ) throws -> T {
        let variant = try variant(forKeyLength: key.count)
        guard !nonce.isEmpty else { throw CryptoError(.invalidLength, "an AES-GCM nonce cannot be empty") }
        let ctx = try idle.take(variant) ?? newContext(variant)
        var kept = false
        defer {
            if kept, nonce.count == defaultNonceLength {
                idle.give(ctx, variant)
            } else {
                // A context an operation failed on is not used again, nor what that failure left queued.
                EVP_CIPHER_CTX_free(ctx)
                ERR_clear_error()
            }
        }
        guard nonce.count == defaultNonceLength || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, Int32(nonce.count), nil) == 1,
            EVP_CipherInit_ex2(ctx, nil, key, nonce, encrypting ? 1 : 0, nil) == 1
        else { throw OpenSSLErrors.error(.internalFailure, "\(names[variant]) could not start") }
        let result = try body(ctx)
        kept = true
        return result
    }

    /// A context for the cipher of `variant`, without key or nonce.
    private static func newContext(_ variant: Int) throws -> OpaquePointer {
        guard let cipher = FetchedAlgorithms.cipher(names[variant]) else {
            throw OpenSSLErrors.error(.unsupportedAlgorithm, "\(names[variant]) is not available")
        }
        guard let ctx = EVP_CIPHER_CTX_new() else { throw OpenSSLErrors.error(.internalFailure, "no cipher context") }
        guard EVP_CipherInit_ex2(ctx, cipher, nil, nil, 1, nil) == 1 else {
            EVP_CIPHER_CTX_free(ctx)
            throw OpenSSLErrors.error(.internalFailure, "\(names[variant]) could not start")
        }
        return ctx
    }

    /// 0, 1 or 2 for a key of AES-128, -192 or -256.
    private static func variant(forKeyLength length: Int) throws -> Int {
        switch length {
        case 16: 0
        case 24: 1
        case 32: 2
        default: throw CryptoError(.invalidLength, "an AES-GCM key has 16, 24 or 32 bytes, not \(length)")
        }
    }
}
