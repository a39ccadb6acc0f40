import CHISPayOpenSSL

/// The EVP_PKEY encrypt/decrypt call shared by the RSA paddings.
enum RSACipher {
    static func run(_ key: KeyHandle, _ input: [UInt8], encrypting: Bool, padding: Int32, name: String) throws -> [UInt8] {
        guard key.algorithm == .rsa else {
            throw CryptoError(.keyTypeMismatch, "\(name) needs an RSA key, got \(key.algorithm)")
        }
        OpenSSLErrors.clear()
        guard let ctx = EVP_PKEY_CTX_new(key.pointer, nil) else {
            throw OpenSSLErrors.error(.internalFailure, "no key context")
        }
        defer { EVP_PKEY_CTX_free(ctx) }
        let initialised = encrypting ? EVP_PKEY_encrypt_init(ctx) : EVP_PKEY_decrypt_init(ctx)
        guard initialised == 1, EVP_PKEY_CTX_set_rsa_padding(ctx, padding) == 1 else {
            throw OpenSSLErrors.error(.internalFailure, "\(name) could not be set up")
        }
        var output = [UInt8](repeating: 0, count: Int(EVP_PKEY_get_size(key.pointer)))
        var length = output.count
        let status = encrypting
            ? EVP_PKEY_encrypt(ctx, &output, &length, input, input.count)
            : EVP_PKEY_decrypt(ctx, &output, &length, input, input.count)
        guard status == 1 else {
            OpenSSLErrors.clear()
            if encrypting {
                throw CryptoError(.invalidLength, "\(input.count) bytes are too long for \(name) with a \(key.bits)-bit key")
            }
            throw CryptoError(.decryptionFailed, "\(name) ciphertext does not decrypt with this key (wrong key or altered bytes)")
        }
        return Array(output.prefix(length))
    }
}
