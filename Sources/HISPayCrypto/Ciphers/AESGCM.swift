import CHISPayOpenSSL

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
        _ = try cipherName(forKeyLength: key.count)
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

    private static func withContext<T>(
        key: [UInt8],
        nonce: [UInt8],
        encrypting: Bool,
        _ body: (OpaquePointer) throws -> T
    ) throws -> T {
        let name = try cipherName(forKeyLength: key.count)
        guard !nonce.isEmpty else { throw CryptoError(.invalidLength, "an AES-GCM nonce cannot be empty") }
        OpenSSLErrors.clear()
        defer { ERR_clear_error() }
        guard let cipher = FetchedAlgorithms.cipher(name) else {
            throw OpenSSLErrors.error(.unsupportedAlgorithm, "\(name) is not available")
        }
        guard let ctx = EVP_CIPHER_CTX_new() else { throw OpenSSLErrors.error(.internalFailure, "no cipher context") }
        defer { EVP_CIPHER_CTX_free(ctx) }
        guard EVP_CipherInit_ex2(ctx, cipher, nil, nil, encrypting ? 1 : 0, nil) == 1,
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, Int32(nonce.count), nil) == 1,
            EVP_CipherInit_ex2(ctx, nil, key, nonce, encrypting ? 1 : 0, nil) == 1
        else { throw OpenSSLErrors.error(.internalFailure, "\(name) could not start") }
        return try body(ctx)
    }

    private static func cipherName(forKeyLength length: Int) throws -> String {
        switch length {
        case 16: "AES-128-GCM"
        case 24: "AES-192-GCM"
        case 32: "AES-256-GCM"
        default: throw CryptoError(.invalidLength, "an AES-GCM key has 16, 24 or 32 bytes, not \(length)")
        }
    }
}
