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
        if let fields = plainFields(data, roots: roots) { return fields }
        return try parsedFields(data, roots: roots, nested: nested)
    }

    /// ``fields(_:roots:nested:)`` through Foundation's `XMLParser` only — what decides every document
    /// ``plainFields(_:roots:)`` does not read (and what tests compare that reader with).
    package static func parsedFields(_ data: Data, roots: Set<String>, nested: Bool = false) throws(Error) -> [String: String] {
        guard String(validating: data, as: UTF8.self) != nil else { throw Error(description: "the body is not UTF-8") }
        if let markup = unexpectedMarkup(data) { throw Error(description: "it holds \(markup)") }
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        let collector = FieldCollector(roots: roots, nested: nested)
        parser.delegate = collector
        guard parser.parse(), collector.problem == nil, collector.closedRoot else {
            // Our words, never XMLParser's ("Error Domain=NSXMLParserErrorDomain Code=5 (null)").
            throw Error(description: collector.problem ?? (parser.parserError == nil && data.isEmpty ? "empty" : "it is not well-formed XML (line \(parser.lineNumber), column \(parser.columnNumber))"))
        }
        return collector.fields
    }

    /// The fields of a plain document, read from its bytes, or nil when the document is anything
    /// else — then `XMLParser` decides, with its verdict and message. Plain is what the channels send:
    /// optionally `<?xml version="1.0"?>` or `<?xml version="1.0" encoding="UTF-8"?>` at the very
    /// start, whitespace, an accepted root without attributes, and children with ASCII names, each
    /// holding UTF-8 text (without `&`, `<`, `]]>`, carriage returns, control characters, U+FFFE or
    /// U+FFFF) and CDATA
    /// sections (the same characters; no `<?` or `<!`, which ``unexpectedMarkup(_:)`` refuses), each
    /// name once. The same answer `XMLParser` gives for such a document, at a small fraction of the
    /// cost: through `XMLParser`, reading a callback's XML was nineteen twentieths of verifying a
    /// WeChat Pay APIv2 callback.
    package static func plainFields(_ data: Data, roots: Set<String>) -> [String: String]? {
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> [String: String]? in
            guard String(validating: bytes, as: UTF8.self) != nil else { return nil }
            var index = 0
            func at(_ literal: StaticString) -> Bool {
                let count = literal.utf8CodeUnitCount
                guard index + count <= bytes.count else { return false }
                return memcmp(bytes.baseAddress! + index, literal.utf8Start, count) == 0
            }
            /// Whether `literal` comes next; if so, it is passed over.
            func take(_ literal: StaticString) -> Bool {
                guard at(literal) else { return false }
                index += literal.utf8CodeUnitCount
                return true
            }
            func skipSpace() {
                while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A { index += 1 }
            }
            /// An element name up to `>`, or nil.
            func name() -> String? {
                let start = index
                while index < bytes.count {
                    let byte = bytes[index]
                    let letter = (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") || byte == UInt8(ascii: "_")
                    let other = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
                    guard letter || (other && index > start) else { break }
                    index += 1
                }
                guard index > start, index < bytes.count, bytes[index] == UInt8(ascii: ">") else { return nil }
                index += 1
                return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index - 1]), as: UTF8.self)
            }
            /// Whether the byte at `index` may be in XML text: not a control character (tab and line
            /// feed aside; a carriage return would be normalised) nor the start of U+FFFE or U+FFFF.
            func isCharacter() -> Bool {
                let byte = bytes[index]
                if byte < 0x20 { return byte == 0x09 || byte == 0x0A }
                return !(at("\u{FFFE}") || at("\u{FFFF}"))
            }
            // The declaration, if any, comes first of all (XML allows nothing before it).
            _ = take("<?xml version=\"1.0\"?>") || take("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
            skipSpace()
            guard at("<"), !at("</"), !at("<?") else { return nil }
            index += 1
            guard let root = name(), roots.contains(root) else { return nil }
            var fields: [String: String] = [:]
            while true {
                skipSpace()
                if take("</") {
                    guard name() == root else { return nil }
                    skipSpace()
                    return index == bytes.count ? fields : nil
                }
                guard at("<"), !at("<!"), !at("<?") else { return nil }
                index += 1
                guard let key = name(), fields[key] == nil else { return nil }
                // The value's runs of text and CDATA: one, nearly always, read in place.
                var runs: [Range<Int>] = []
                while index < bytes.count, !at("</") {
                    if take("<![CDATA[") {
                        let start = index
                        while index < bytes.count, !at("]]>") {
                            // ``unexpectedMarkup(_:)`` refuses `<?` and `<!` anywhere, CDATA included.
                            if at("<?") || at("<!") || !isCharacter() { return nil }
                            index += 1
                        }
                        runs.append(start..<index)
                        guard take("]]>") else { return nil }  // the document ended inside the section
                        continue
                    }
                    let start = index
                    while index < bytes.count, bytes[index] != UInt8(ascii: "<") {
                        let byte = bytes[index]
                        guard byte != UInt8(ascii: "&"), isCharacter(), !at("]]>") else { return nil }
                        index += 1
                    }
                    guard index > start else { return nil }  // a `<` that opens neither CDATA nor the closing tag
                    runs.append(start..<index)
                }
                guard take("</") else { return nil }
                guard name() == key else { return nil }
                fields[key] = runs.count == 1
                    ? String(decoding: UnsafeRawBufferPointer(rebasing: bytes[runs[0]]), as: UTF8.self)
                    : String(decoding: runs.flatMap { UnsafeRawBufferPointer(rebasing: bytes[$0]) }, as: UTF8.self)
            }
        }
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
