import CHISPayOpenSSL

/// Comparisons whose running time does not depend on where two secrets differ.
package enum ConstantTime {
    /// Whether `lhs` and `rhs` hold the same bytes. Lengths are not secret; contents are.
    package static func equals(_ lhs: some Collection<UInt8>, _ rhs: some Collection<UInt8>) -> Bool {
        let left = Array(lhs)
        let right = Array(rhs)
        guard left.count == right.count else { return false }
        if left.isEmpty { return true }
        return left.withUnsafeBytes { l in
            right.withUnsafeBytes { r in CRYPTO_memcmp(l.baseAddress, r.baseAddress, left.count) == 0 }
        }
    }
}
