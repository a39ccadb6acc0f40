import Foundation

extension PrivateKey {
    /// RSASSA-PKCS1-v1_5 signature of `message` (SHA256withRSA by default; SHA-1 for Alipay `RSA`
    /// and UnionPay 5.0.0). Deterministic: the same key and message always give the same bytes.
    public func rsaSignature(for message: some ContiguousBytes, digest: DigestAlgorithm = .sha256) throws -> [UInt8] {
        try requireAlgorithm(.rsa)
        return try EVPSignature.sign(message, key: handle, digest: digest, sm2Identifier: nil)
    }

    /// SM2-with-SM3 signature of `message` under the distinguishing ID `identifier`. Randomized:
    /// two signatures of one message differ, and both verify.
    public func sm2Signature(
        for message: some ContiguousBytes,
        identifier: String = SM2.defaultIdentifier,
        encoding: SM2.SignatureEncoding = .der
    ) throws -> [UInt8] {
        try requireAlgorithm(.sm2)
        let der = try EVPSignature.sign(message, key: handle, digest: .sm3, sm2Identifier: identifier)
        return encoding == .raw ? try SM2.rawSignature(fromDER: der) : der
    }

    private func requireAlgorithm(_ expected: KeyAlgorithm) throws {
        guard algorithm == expected else {
            throw CryptoError(.keyTypeMismatch, "a \(expected) signature needs a \(expected) key, got \(algorithm)")
        }
    }
}
