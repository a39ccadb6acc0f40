import Foundation
import HISPayCore

/// The flat `<xml><key><![CDATA[value]]></key>…</xml>` documents of WeChat Pay APIv2.
package enum WeChatPayV2XML {
    /// The fields of a flat document (the root's children), read by `FlatXML`. Nested elements, a
    /// root other than `xml`/`root`, markup WeChat Pay never sends, text that is not UTF-8, or
    /// malformed XML throw `ChannelError/Code/invalidResponse`.
    package static func parse(_ data: Data) throws(ChannelError) -> [String: String] {
        do { return try FlatXML.fields(data, roots: ["xml", "root"]) } catch {
            throw ChannelError(.invalidResponse, channel: .wechatPayV2, reason: "not a WeChat Pay XML document: \(error)")
        }
    }

    /// What a WeChat Pay document never holds, if `data` does (`FlatXML/unexpectedMarkup(_:)`).
    package static func unexpectedMarkup(_ data: Data) -> String? { FlatXML.unexpectedMarkup(data) }

    /// A `<xml>` document with every value in CDATA, keys sorted (stable bytes for signing and replay).
    package static func build(_ fields: [String: String]) -> Data {
        var text = "<xml>"
        for (key, raw) in fields.sorted(by: { $0.key < $1.key }) {
            let value = raw.replacingOccurrences(of: "]]>", with: "]]]]><![CDATA[>")
            text += "<\(key)><![CDATA[\(value)]]></\(key)>"
        }
        return Data((text + "</xml>").utf8)
    }
}
