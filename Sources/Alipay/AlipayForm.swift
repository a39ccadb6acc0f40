import Foundation
import HISPayCore

/// `application/x-www-form-urlencoded` bodies, decoded exactly once (`+` is a space, `%2B` a plus).
public enum AlipayForm {
    /// The fields of a form body; throws ``ChannelError/Code/invalidResponse`` on broken escapes,
    /// repeated keys or text that is not UTF-8.
    public static func decode(_ body: Data) throws(ChannelError) -> [String: String] {
        guard let text = String(validating: body, as: UTF8.self) else {
            throw ChannelError(.invalidResponse, channel: .alipay, reason: "form body is not UTF-8")
        }
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = percentDecode(parts[0]), let value = percentDecode(parts.count > 1 ? parts[1] : "") else {
                throw ChannelError(.invalidResponse, channel: .alipay, reason: "form field \(parts[0].prefix(40)) has a broken %-escape")
            }
            guard fields[key] == nil else {
                throw ChannelError(.invalidResponse, channel: .alipay, reason: "form field \(key) appears twice")
            }
            fields[key] = value
        }
        return fields
    }

    /// Form-encodes fields (sorted keys): for request bodies and tests.
    public static func encode(_ fields: [String: String]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._*")
        return fields.sorted { $0.key < $1.key }.map { key, value in
            let escape = { (text: String) in
                text.unicodeScalars.map { scalar -> String in
                    if scalar == " " { return "+" }
                    if scalar.isASCII, allowed.contains(scalar) { return String(scalar) }
                    return String(scalar).utf8.map { String(format: "%%%02X", $0) }.joined()
                }.joined()
            }
            return "\(escape(key))=\(escape(value))"
        }.joined(separator: "&")
    }

    private static func percentDecode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next(), let low = iterator.next(),
                    let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
                else { return nil }
                bytes.append(value)
            default: bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
