import CHISPayOpenSSL
import Foundation

/// One-shot `EVP_DigestSign` / `EVP_DigestVerify`, with the SM2 distinguishing ID set explicitly
/// when one is given (OpenSSL 3 applies none by default).
enum EVPSignature {
    static func sign(
        _ message: some ContiguousBytes,
        key: KeyHandle,
        digest: DigestAlgorithm,
        sm2Identifier: String?
    ) throws -> [UInt8] {
        try withContext(key: key, digest: digest, sm2Identifier: sm2Identifier, signing: true) { mctx in
            try message.withUnsafeBytes { input -> [UInt8] in
                var length = 0
                guard EVP_DigestSign(mctx, nil, &length, input.bindMemory(to: UInt8.self).baseAddress, input.count) == 1
                else { throw OpenSSLErrors.error(.internalFailure, "could not size the signature") }
                var out = [UInt8](repeating: 0, count: length)
                guard EVP_DigestSign(mctx, &out, &length, input.bindMemory(to: UInt8.self).baseAddress, input.count) == 1
                else { throw OpenSSLErrors.error(.internalFailure, "signing failed") }
                return Array(out.prefix(length))
            }
        }
    }

    static func verify(
        _ signature: [UInt8],
        for message: some ContiguousBytes,
        key: KeyHandle,
        digest: DigestAlgorithm,
        sm2Identifier: String?
    ) throws -> Bool {
        if sm2Identifier == nil {
            // The key's prepared context, copied (see `KeyHandle`); SM2's ID lives on a key
            // context of its own and takes the general path.
            OpenSSLErrors.clear()
            defer { ERR_clear_error() }
            guard let mctx = try key.verificationContext(digest) else {
                throw OpenSSLErrors.error(.keyTypeMismatch, "a \(key.algorithm) key cannot verify with \(digest)")
            }
            defer { EVP_MD_CTX_free(mctx) }
            return message.withUnsafeBytes { input in
                EVP_DigestVerify(mctx, signature, signature.count, input.bindMemory(to: UInt8.self).baseAddress, input.count) == 1
            }
        }
        return try withContext(key: key, digest: digest, sm2Identifier: sm2Identifier, signing: false) { mctx in
            message.withUnsafeBytes { input in
                EVP_DigestVerify(
                    mctx, signature, signature.count, input.bindMemory(to: UInt8.self).baseAddress, input.count) == 1
            }
        }
    }

    private static func withContext<T>(
        key: KeyHandle,
        digest: DigestAlgorithm,
        sm2Identifier: String?,
        signing: Bool,
        _ body: (OpaquePointer) throws -> T
    ) throws -> T {
        OpenSSLErrors.clear()
        defer { ERR_clear_error() }
        let md = try digest.evp
        guard let mctx = EVP_MD_CTX_new() else { throw OpenSSLErrors.error(.internalFailure, "no digest context") }
        defer { EVP_MD_CTX_free(mctx) }
        // A key context attached with EVP_MD_CTX_set_pkey_ctx stays ours to free (after the md context).
        var pctx: OpaquePointer? = nil
        defer { if let pctx { EVP_PKEY_CTX_free(pctx) } }
        if let sm2Identifier {
            pctx = EVP_PKEY_CTX_new(key.pointer, nil)
            guard let pctx else { throw OpenSSLErrors.error(.internalFailure, "no key context") }
            let id = Array(sm2Identifier.utf8)
            guard EVP_PKEY_CTX_set1_id(pctx, id, Int32(id.count)) == 1 else {
                throw OpenSSLErrors.error(.internalFailure, "could not set the SM2 distinguishing ID")
            }
            EVP_MD_CTX_set_pkey_ctx(mctx, pctx)
        }
        let started =
            signing
            ? EVP_DigestSignInit(mctx, nil, md, nil, key.pointer)
            : EVP_DigestVerifyInit(mctx, nil, md, nil, key.pointer)
        guard started == 1 else {
            throw OpenSSLErrors.error(.keyTypeMismatch, "a \(key.algorithm) key cannot \(signing ? "sign" : "verify") with \(digest)")
        }
        return try body(mctx)
    }
}
