import Foundation
import CHISPayOpenSSL

/// A message digest the channels use: SHA-256 (RSA2, WeChat v3, UnionPay 5.1.0), SHA-1 (legacy RSA,
/// UnionPay 5.0.0, bill hashes), SM3 (SM2 signatures, UnionPay method 12) and MD5 (WeChat v2, Alipay SNs).
public struct DigestAlgorithm: Hashable, Sendable, CustomStringConvertible {
    /// OpenSSL's name of the digest.
    public let name: String
    /// Output length in bytes.
    public let outputLength: Int
    /// DER prefix of the PKCS#1 v1.5 DigestInfo for this digest (used to diagnose RSA mismatches).
    let digestInfoPrefix: [UInt8]

    private init(name: String, outputLength: Int, digestInfoPrefix: [UInt8]) {
        self.name = name
        self.outputLength = outputLength
        self.digestInfoPrefix = digestInfoPrefix
    }

    public static let sha256 = DigestAlgorithm(
        name: "SHA256",
        outputLength: 32,
        digestInfoPrefix: [
            0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00,
            0x04, 0x20,
        ]
    )
    public static let sha1 = DigestAlgorithm(
        name: "SHA1",
        outputLength: 20,
        digestInfoPrefix: [0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14]
    )
    public static let sm3 = DigestAlgorithm(
        name: "SM3",
        outputLength: 32,
        digestInfoPrefix: [
            0x30, 0x30, 0x30, 0x0c, 0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x83, 0x11, 0x05, 0x00, 0x04, 0x20,
        ]
    )
    public static let md5 = DigestAlgorithm(
        name: "MD5",
        outputLength: 16,
        digestInfoPrefix: [
            0x30, 0x20, 0x30, 0x0c, 0x06, 0x08, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x05, 0x05, 0x00, 0x04, 0x10,
        ]
    )

    static let all: [DigestAlgorithm] = [.sha256, .sha1, .sm3, .md5]

    public var description: String { name }

    /// The OpenSSL digest method.
    var evp: OpaquePointer {
        get throws {
            let md = FetchedAlgorithms.digest(name)
            guard let md else { throw CryptoError(.unsupportedAlgorithm, "\(name) is not available in this OpenSSL") }
            return md
        }
    }

    /// The digest of `message`.
    public func hash(_ message: some ContiguousBytes) throws -> [UInt8] {
        let md = try evp
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = message.withUnsafeBytes { input in
            EVP_Digest(input.baseAddress, input.count, &out, &length, md, nil)
        }
        guard ok == 1 else { throw OpenSSLErrors.error(.internalFailure, "\(name) digest failed") }
        return Array(out.prefix(Int(length)))
    }

    /// The digest of the UTF-8 bytes of `text`.
    public func hash(_ text: String) throws -> [UInt8] {
        try hash(Array(text.utf8))
    }
}
