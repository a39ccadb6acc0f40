import CHISPayOpenSSL

/// RSA-OAEP (SHA-1, MGF1-SHA-1), the padding WeChat Pay uses for sensitive fields: a patient's
/// name and ID digest in a medical-insurance order are encrypted to the platform key, and
/// answers carry fields encrypted to the merchant key.
package enum RSAOAEP {
    /// Encrypts `plaintext` to `key` (an RSA public key). Randomized: two calls give different bytes.
    package static func encrypt(_ plaintext: [UInt8], to key: PublicKey) throws -> [UInt8] {
        try RSACipher.run(key.handle, plaintext, encrypting: true, padding: RSA_PKCS1_OAEP_PADDING, name: "RSA-OAEP")
    }

    /// Decrypts `ciphertext` with `key`; a wrong key or altered bytes throw ``CryptoError/Code/decryptionFailed``.
    package static func decrypt(_ ciphertext: [UInt8], with key: PrivateKey) throws -> [UInt8] {
        try RSACipher.run(key.handle, ciphertext, encrypting: false, padding: RSA_PKCS1_OAEP_PADDING, name: "RSA-OAEP")
    }
}
