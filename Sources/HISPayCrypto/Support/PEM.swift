import Foundation

/// PEM armour (RFC 7468) around DER bytes.
package enum PEM {
    /// `-----BEGIN label-----`, base64 in 64-character lines, `-----END label-----`, trailing newline.
    package static func encode(_ der: [UInt8], label: String) -> String {
        let body = Base64.encode(der)
        var lines: [Substring] = []
        var index = body.startIndex
        while index < body.endIndex {
            let end = body.index(index, offsetBy: 64, limitedBy: body.endIndex) ?? body.endIndex
            lines.append(body[index..<end])
            index = end
        }
        return "-----BEGIN \(label)-----\n" + lines.joined(separator: "\n") + "\n-----END \(label)-----\n"
    }

    /// The DER bytes of every block labelled `label` in `text`, in order.
    package static func decodeAll(_ text: String, label: String) throws -> [[UInt8]] {
        let begin = "-----BEGIN \(label)-----"
        let end = "-----END \(label)-----"
        var blocks: [[UInt8]] = []
        var rest = Substring(text)
        while let start = rest.range(of: begin) {
            guard let stop = rest.range(of: end, range: start.upperBound..<rest.endIndex) else {
                throw CryptoError(.malformedEncoding, "PEM block \(label) has no END line")
            }
            blocks.append(try Base64.decode(String(rest[start.upperBound..<stop.lowerBound])))
            rest = rest[stop.upperBound...]
        }
        return blocks
    }
}
