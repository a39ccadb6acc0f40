import CHISPayOpenSSL

/// RSA with PKCS#1 v1.5 encryption padding, as UnionPay's SDKs encrypt sensitive fields (`accNo`,
/// `customerInfo.encryptedInfo`) to UnionPay's encryption certificate (`openssl_public_encrypt` with its
/// default padding in the PHP SDK).
package enum RSAPKCS1 {
    /// Encrypts `plaintext` to `key` (an RSA public key). Randomized: two calls give different bytes.
    package static func encrypt(_ plaintext: [UInt8], to key: PublicKey) throws -> [UInt8] {
        try RSACipher.run(key.handle, plaintext, encrypting: true, padding: RSA_PKCS1_PADDING, name: "RSA PKCS#1 v1.5")
    }

    /// Decrypts `ciphertext` with `key` (the simulator's side); a wrong key or altered bytes throw
    /// ``CryptoError/Code/decryptionFailed``.
    package static func decrypt(_ ciphertext: [UInt8], with key: PrivateKey) throws -> [UInt8] {
        try RSACipher.run(key.handle, ciphertext, encrypting: false, padding: RSA_PKCS1_PADDING, name: "RSA PKCS#1 v1.5")
    }
}
