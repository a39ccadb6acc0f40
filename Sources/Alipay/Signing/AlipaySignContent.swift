/// The text Alipay signs: parameters sorted by key, empty values dropped, `k=v` joined with `&`,
/// values raw (not URL-encoded).
package enum AlipaySignContent {
    package static func make(_ parameters: [String: String], excluding: Set<String>) -> String {
        parameters.filter { !excluding.contains($0.key) && !$0.value.isEmpty }
            .sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value)" }
            .joined(separator: "&")
    }
}
