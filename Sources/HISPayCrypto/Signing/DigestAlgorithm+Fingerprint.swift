extension DigestAlgorithm {
    /// A SHA-256 fingerprint (hex) of `fields` as sorted `k=v` lines: the same for every retry of a
    /// notification that carries no id of its own, so it can serve as its deduplication key.
    package static func fingerprint(_ fields: [String: String]) -> String {
        let text = fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\n")
        // SHA-256 is always present in OpenSSL 3; the text itself is the fallback, never a crash.
        return (try? sha256.hash(text)).map { Hex.encode($0) } ?? text
    }
}
