import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The small XML documents channels send — a root whose children hold text or CDATA (WeChat Pay
/// APIv2 messages; Alipay service-window `biz_content`, where one more level such as
/// `<Text><Content>` is read as `Text.Content`).
///
/// Text that is not UTF-8, and markup these documents never hold (see ``unexpectedMarkup(_:)``), are
/// refused before parsing: Foundation's `XMLParser` crashes on an element name that is not valid UTF-8
/// and on a processing instruction without data (both found by fuzzing), which one forged callback
/// would turn into a crash of the gateway. External entities are never resolved.
package enum FlatXML {
    /// Why a document was refused.
    package struct Error: Swift.Error, Hashable, Sendable, CustomStringConvertible {
        package let description: String
    }

    /// The root's children as fields. `roots` are the root names accepted; with `nested`, a child's
    /// own children are read as `Child.Grandchild` (deeper nesting is refused). A repeated field, a
    /// second root or a truncated document is refused.
    package static func fields(_ data: Data, roots: Set<String>, nested: Bool = false) throws(Error) -> [String: String] {
        guard String(validating: data, as: UTF8.self) != nil else { throw Error(description: "the body is not UTF-8") }
        if let markup = unexpectedMarkup(data) { throw Error(description: "it holds \(markup)") }
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        let collector = FieldCollector(roots: roots, nested: nested)
        parser.delegate = collector
        guard parser.parse(), collector.problem == nil, collector.closedRoot else {
            throw Error(description: collector.problem ?? parser.parserError.map { "\($0)" } ?? "empty")
        }
        return collector.fields
    }

    /// What such a document never holds, if `data` does: a processing instruction other than the
    /// leading XML declaration (Foundation's `XMLParser` crashes on one without data, such as `<?a?>`
    /// — found by fuzzing), or a DOCTYPE, entity declaration or comment (`<!` other than `<![CDATA[`).
    package static func unexpectedMarkup(_ data: Data) -> String? {
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

    private final class FieldCollector: NSObject, XMLParserDelegate {
        let roots: Set<String>
        let nested: Bool
        var fields: [String: String] = [:]
        var problem: String?
        /// Whether the root element was opened and closed (a truncated document never closes it).
        var closedRoot = false
        private var depth = 0
        private var text = ""
        /// The open child of the root, and whether it held elements of its own.
        private var parent = ""
        private var parentHasChildren = false

        init(roots: Set<String>, nested: Bool) {
            self.roots = roots
            self.nested = nested
        }

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            depth += 1
            switch depth {
            case 1:
                if closedRoot { problem = "a second root element <\(name)>" }
                if !roots.contains(name) { problem = "root element <\(name)>" }
            case 2:
                (parent, parentHasChildren) = (name, false)
            case 3 where nested:
                parentHasChildren = true
            default:
                problem = "nested element <\(name)>"
            }
            text = ""
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        func parser(_ parser: XMLParser, foundCDATA block: Data) { text += String(decoding: block, as: UTF8.self) }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if depth == 3 { store("\(parent).\(name)") }
            if depth == 2, !parentHasChildren { store(name) }
            if depth == 1 { closedRoot = true }
            depth -= 1
        }

        private func store(_ key: String) {
            if fields[key] != nil { problem = "field <\(key)> appears twice" }
            fields[key] = text
        }
    }
}
