import CHISPayOpenSSL

/// RSA-OAEP (SHA-1, MGF1-SHA-1), the padding WeChat Pay uses for sensitive fields: a patient's
/// name and ID digest in a medical-insurance order are encrypted to the platform key, and
/// answers carry fields encrypted to the merchant key.
public enum RSAOAEP {
    /// Encrypts `plaintext` to `key` (an RSA public key). Randomized: two calls give different bytes.
    public static func encrypt(_ plaintext: [UInt8], to key: PublicKey) throws -> [UInt8] {
        try run(key.handle, plaintext, encrypting: true)
    }

    /// Decrypts `ciphertext` with `key`; a wrong key or altered bytes throw ``CryptoError/Code/decryptionFailed``.
    public static func decrypt(_ ciphertext: [UInt8], with key: PrivateKey) throws -> [UInt8] {
        try run(key.handle, ciphertext, encrypting: false)
    }

    private static func run(_ key: KeyHandle, _ input: [UInt8], encrypting: Bool) throws -> [UInt8] {
        guard key.algorithm == .rsa else {
            throw CryptoError(.keyTypeMismatch, "RSA-OAEP needs an RSA key, got \(key.algorithm)")
        }
        OpenSSLErrors.clear()
        guard let ctx = EVP_PKEY_CTX_new(key.pointer, nil) else {
            throw OpenSSLErrors.error(.internalFailure, "no key context")
        }
        defer { EVP_PKEY_CTX_free(ctx) }
        let initialised = encrypting ? EVP_PKEY_encrypt_init(ctx) : EVP_PKEY_decrypt_init(ctx)
        guard initialised == 1, EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) == 1 else {
            throw OpenSSLErrors.error(.internalFailure, "RSA-OAEP could not be set up")
        }
        var output = [UInt8](repeating: 0, count: Int(EVP_PKEY_get_size(key.pointer)))
        var length = output.count
        let status = encrypting
            ? EVP_PKEY_encrypt(ctx, &output, &length, input, input.count)
            : EVP_PKEY_decrypt(ctx, &output, &length, input, input.count)
        guard status == 1 else {
            OpenSSLErrors.clear()
            if encrypting {
                throw CryptoError(.invalidLength, "\(input.count) bytes are too long for RSA-OAEP with a \(key.bits)-bit key")
            }
            throw CryptoError(.decryptionFailed, "RSA-OAEP ciphertext does not decrypt with this key (wrong key or altered bytes)")
        }
        return Array(output.prefix(length))
    }
}
