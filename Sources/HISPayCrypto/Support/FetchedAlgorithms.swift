import CHISPayOpenSSL

/// The digests and ciphers HISPay uses, fetched once from OpenSSL's default provider and kept for the
/// process. Fetching on every operation — explicitly, or implicitly through `EVP_sha256()`-style
/// handles — cost a fifth of hashing or encrypting 8 KiB. Fetched methods are immutable and may be
/// shared between threads.
enum FetchedAlgorithms {
    nonisolated(unsafe) private static let digests: [String: OpaquePointer] = {
        var methods: [String: OpaquePointer] = [:]
        for digest in DigestAlgorithm.all { methods[digest.name] = EVP_MD_fetch(nil, digest.name, nil) }
        return methods
    }()

    nonisolated(unsafe) private static let ciphers: [String: OpaquePointer] = {
        var methods: [String: OpaquePointer] = [:]
        let names = ["AES-128-GCM", "AES-192-GCM", "AES-256-GCM", "SM4-ECB", "SM4-CBC", "AES-128-ECB", "AES-128-CBC", "AES-256-ECB", "AES-256-CBC"]
        for name in names { methods[name] = EVP_CIPHER_fetch(nil, name, nil) }
        return methods
    }()

    /// The digest called `name`, if this OpenSSL has it.
    static func digest(_ name: String) -> OpaquePointer? { digests[name] }

    /// The cipher called `name`, if this OpenSSL has it.
    static func cipher(_ name: String) -> OpaquePointer? { ciphers[name] }
}
