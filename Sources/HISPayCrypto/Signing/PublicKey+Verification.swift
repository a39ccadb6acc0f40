import CHISPayOpenSSL
import Foundation

extension PublicKey {
    /// Verifies an RSASSA-PKCS1-v1_5 signature, or throws an error that says why it fails:
    /// ``CryptoError/Code/wrongKey`` (not made by this key, or the signature bytes were altered),
    /// ``CryptoError/Code/signatureMismatch`` (made by this key over other content, e.g. a tampered
    /// or re-serialized body), ``CryptoError/Code/digestMismatch`` (made with another digest, e.g.
    /// `RSA` vs `RSA2`), ``CryptoError/Code/malformedSignature`` (wrong length).
    public func verifyRSASignature(
        _ signature: [UInt8],
        for message: some ContiguousBytes,
        digest: DigestAlgorithm = .sha256
    ) throws {
        guard algorithm == .rsa else {
            throw CryptoError(.keyTypeMismatch, "an RSA signature needs an RSA key, got \(algorithm)")
        }
        let modulusBytes = (bits + 7) / 8
        guard signature.count == modulusBytes else {
            throw CryptoError(
                .malformedSignature,
                "RSA signature has \(signature.count) bytes; a \(bits)-bit key makes \(modulusBytes)-byte signatures")
        }
        if try EVPSignature.verify(signature, for: message, key: handle, digest: digest, sm2Identifier: nil) {
            return
        }
        throw try diagnoseRSAFailure(signature, expected: digest)
    }

    /// Verifies an SM2-with-SM3 signature made under `identifier`, or throws
    /// ``CryptoError/Code/wrongSM2Identifier`` when it verifies only under another common ID
    /// (the default or an empty one), else ``CryptoError/Code/signatureMismatch``.
    public func verifySM2Signature(
        _ signature: [UInt8],
        for message: some ContiguousBytes,
        identifier: String = SM2.defaultIdentifier,
        encoding: SM2.SignatureEncoding = .der
    ) throws {
        guard algorithm == .sm2 else {
            throw CryptoError(.keyTypeMismatch, "an SM2 signature needs an SM2 key, got \(algorithm)")
        }
        let der = encoding == .raw ? try SM2.derSignature(fromRaw: signature) : signature
        if encoding == .der { _ = try SM2.rawSignature(fromDER: der) }  // rejects malformed DER distinctly
        if try EVPSignature.verify(der, for: message, key: handle, digest: .sm3, sm2Identifier: identifier) {
            return
        }
        for candidate in [SM2.defaultIdentifier, ""] where candidate != identifier {
            if try EVPSignature.verify(der, for: message, key: handle, digest: .sm3, sm2Identifier: candidate) {
                throw CryptoError(
                    .wrongSM2Identifier,
                    "SM2 signature was made with \(candidate.isEmpty ? "an empty" : "the default") distinguishing ID, "
                        + "not the configured one (\(identifier.utf8.count) bytes)")
            }
        }
        throw CryptoError(.signatureMismatch, "SM2 signature does not verify over this content with this key")
    }

    /// Recovers the DigestInfo from an RSA signature to tell a wrong key from wrong content.
    private func diagnoseRSAFailure(_ signature: [UInt8], expected: DigestAlgorithm) throws -> CryptoError {
        OpenSSLErrors.clear()
        defer { ERR_clear_error() }
        guard let ctx = EVP_PKEY_CTX_new(handle.pointer, nil) else {
            return OpenSSLErrors.error(.internalFailure, "no key context")
        }
        defer { EVP_PKEY_CTX_free(ctx) }
        var recovered = [UInt8](repeating: 0, count: signature.count)
        var length = recovered.count
        guard EVP_PKEY_verify_recover_init(ctx) == 1,
            EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1,
            EVP_PKEY_verify_recover(ctx, &recovered, &length, signature, signature.count) == 1
        else {
            return CryptoError(
                .wrongKey,
                "RSA signature was not made by this public key (wrong key or certificate configured, "
                    + "or the signature bytes were altered)")
        }
        let info = Array(recovered.prefix(length))
        if let used = DigestAlgorithm.all.first(where: {
            info.count == $0.digestInfoPrefix.count + $0.outputLength && info.starts(with: $0.digestInfoPrefix)
        }), used != expected {
            return CryptoError(.digestMismatch, "RSA signature was made with \(used), but \(expected) was expected")
        }
        return CryptoError(
            .signatureMismatch,
            "RSA signature is from this key but over different content (tampered, or re-serialized before verifying)")
    }
}
