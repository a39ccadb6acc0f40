import Foundation
import HISPayCore
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The flat `<xml><key><![CDATA[value]]></key>…</xml>` documents of WeChat Pay APIv2.
public enum WeChatPayV2XML {
    /// The fields of a flat document (the root's children). Nested elements, a root other than
    /// `xml`/`root`, or malformed XML throw ``ChannelError/Code/invalidResponse``. External entities are
    /// never resolved. Text that is not UTF-8, and markup WeChat Pay never sends (see
    /// ``unexpectedMarkup(_:)``), are refused before parsing: Foundation's `XMLParser` crashes on an
    /// element name that is not valid UTF-8 and on a processing instruction without data (both found by
    /// fuzzing), which one forged callback would turn into a crash of the gateway.
    public static func parse(_ data: Data) throws(ChannelError) -> [String: String] {
        guard String(validating: data, as: UTF8.self) != nil else {
            throw ChannelError(.invalidResponse, channel: .wechatPayV2, reason: "not a WeChat Pay XML document: the body is not UTF-8")
        }
        if let markup = unexpectedMarkup(data) {
            throw ChannelError(.invalidResponse, channel: .wechatPayV2, reason: "not a WeChat Pay XML document: it holds \(markup)")
        }
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        let collector = FieldCollector()
        parser.delegate = collector
        guard parser.parse(), collector.problem == nil, collector.closedRoot else {
            throw ChannelError(
                .invalidResponse, channel: .wechatPayV2,
                reason: "not a WeChat Pay XML document: \(collector.problem ?? parser.parserError.map { "\($0)" } ?? "empty")")
        }
        return collector.fields
    }

    /// What a WeChat Pay document never holds, if `data` does: a processing instruction other than the
    /// leading XML declaration (Foundation's `XMLParser` crashes on one without data, such as `<?a?>`
    /// — found by fuzzing), or a DOCTYPE, entity declaration or comment (`<!` other than `<![CDATA[`).
    public static func unexpectedMarkup(_ data: Data) -> String? {
        let bytes = [UInt8](data)
        let start = bytes.firstIndex { ![0x20, 0x09, 0x0A, 0x0D].contains($0) } ?? bytes.count
        var index = bytes.startIndex
        while let open = bytes[index...].firstIndex(of: UInt8(ascii: "<")) {
            let rest = bytes[(open + 1)...]
            if rest.first == UInt8(ascii: "?"), !(open == start && rest.starts(with: Array("?xml ".utf8))) {
                return "a processing instruction"
            }
            if rest.first == UInt8(ascii: "!"), !rest.starts(with: Array("![CDATA[".utf8)) {
                return "a DOCTYPE, entity declaration or comment"
            }
            index = open + 1
        }
        return nil
    }

    /// A `<xml>` document with every value in CDATA, keys sorted (stable bytes for signing and replay).
    public static func build(_ fields: [String: String]) -> Data {
        var text = "<xml>"
        for (key, raw) in fields.sorted(by: { $0.key < $1.key }) {
            let value = raw.replacingOccurrences(of: "]]>", with: "]]]]><![CDATA[>")
            text += "<\(key)><![CDATA[\(value)]]></\(key)>"
        }
        return Data((text + "</xml>").utf8)
    }

    private final class FieldCollector: NSObject, XMLParserDelegate {
        var fields: [String: String] = [:]
        var problem: String?
        /// Whether the root element was opened and closed (a truncated document never closes it).
        var closedRoot = false
        private var depth = 0
        private var text = ""

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            depth += 1
            if depth == 1 {
                if closedRoot { problem = "a second root element <\(name)>" }
                if name != "xml", name != "root" { problem = "root element <\(name)>" }
            } else if depth > 2 {
                problem = "nested element <\(name)>"
            }
            text = ""
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        func parser(_ parser: XMLParser, foundCDATA block: Data) { text += String(decoding: block, as: UTF8.self) }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if depth == 2 {
                if fields[name] != nil { problem = "field <\(name)> appears twice" }
                fields[name] = text
            }
            if depth == 1 { closedRoot = true }
            depth -= 1
        }
    }
}
