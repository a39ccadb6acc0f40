import HISPayCore

/// The text Alipay signs: parameters sorted by key, empty values dropped, `k=v` joined with `&`,
/// values raw (not URL-encoded).
package enum AlipaySignContent {
    package static func make(_ parameters: [String: String], excluding: Set<String>) -> String {
        String(decoding: SignedPairs.bytes(parameters, excluding: excluding, droppingEmpty: true), as: UTF8.self)
    }
}
