import Foundation
import HISPayCore

/// `application/x-www-form-urlencoded` bodies, decoded exactly once (`+` is a space, `%2B` a plus).
package enum AlipayForm {
    /// The fields of a form body; throws `ChannelError/Code/invalidResponse` on broken escapes,
    /// repeated keys or text that is not UTF-8.
    package static func decode(_ body: Data) throws(ChannelError) -> [String: String] {
        do {
            return try FormFields.decode(body)
        } catch {
            switch error {
            case .notUTF8: throw ChannelError(.invalidResponse, channel: .alipay, reason: "form body is not UTF-8")
            case .brokenEscape(let field): throw ChannelError(.invalidResponse, channel: .alipay, reason: "form field \(field) has a broken %-escape")
            case .repeated(let key): throw ChannelError(.invalidResponse, channel: .alipay, reason: "form field \(key) appears twice")
            }
        }
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
}
