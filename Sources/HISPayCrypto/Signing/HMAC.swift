import Foundation
import CHISPayOpenSSL

/// Keyed-hash message authentication (RFC 2104), as WeChat Pay v2 `HMAC-SHA256` signing uses it.
public enum HMAC {
    /// The HMAC of `message` under `key` with `digest`.
    public static func authenticationCode(
        for message: some ContiguousBytes,
        key: some ContiguousBytes,
        digest: DigestAlgorithm = .sha256
    ) throws -> [UInt8] {
        let md = try digest.evp
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let result = key.withUnsafeBytes { k in
            message.withUnsafeBytes { m in
                CHISPayOpenSSL.HMAC(
                    md, k.baseAddress, Int32(k.count), m.baseAddress?.assumingMemoryBound(to: UInt8.self),
                    m.count, &out, &length)
            }
        }
        guard result != nil else { throw OpenSSLErrors.error(.internalFailure, "HMAC-\(digest) failed") }
        return Array(out.prefix(Int(length)))
    }
}
