import Foundation
import HISPayCore

/// `application/x-www-form-urlencoded` bodies, decoded exactly once (`+` is a space, `%2B` a plus).
package enum AlipayForm {
    /// The fields of a form body; throws `ChannelError/Code/invalidResponse` on broken escapes,
    /// repeated keys or text that is not UTF-8.
    package static func decode(_ body: Data) throws(ChannelError) -> [String: String] {
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

    /// Form-encodes fields (sorted keys): for request bodies and tests. Letters, digits and `-._*`
    /// stay; a space becomes `+`; every other byte is `%XX`.
    package static func encode(_ fields: [String: String]) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        func escape(_ text: String) -> String {
            var out: [UInt8] = []
            out.reserveCapacity(text.utf8.count)
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                    UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "*"):
                    out.append(byte)
                case UInt8(ascii: " "): out.append(UInt8(ascii: "+"))
                default: out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
        return fields.sorted { $0.key < $1.key }.map { "\(escape($0.key))=\(escape($0.value))" }.joined(separator: "&")
    }

    private static func percentDecode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
                bytes.append(high << 4 | low)
            default: bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
