/// The text Alipay, WeChat Pay APIv2 and UnionPay sign: `key=value` pairs sorted by key, joined with
/// `&`, values raw. Written straight into one byte buffer: mapping the pairs to strings and joining
/// them was a third of verifying a WeChat Pay APIv2 callback.
package enum SignedPairs {
    /// The pairs of `fields` but those named in `excluding` (and, with `droppingEmpty`, those with an
    /// empty value), as UTF-8; `reserving` extra bytes of capacity for what the caller appends.
    package static func bytes(_ fields: [String: String], excluding: Set<String>, droppingEmpty: Bool, reserving extra: Int = 0) -> [UInt8] {
        var pairs: [(key: String, value: String)] = []
        pairs.reserveCapacity(fields.count)
        var size = extra
        for (key, value) in fields where !excluding.contains(key) && !(droppingEmpty && value.isEmpty) {
            pairs.append((key, value))
            size += key.utf8.count + value.utf8.count + 2
        }
        pairs.sort { $0.key < $1.key }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size)
        for (index, (key, value)) in pairs.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: "&")) }
            bytes.append(contentsOf: key.utf8)
            bytes.append(UInt8(ascii: "="))
            bytes.append(contentsOf: value.utf8)
        }
        return bytes
    }
}
