import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import HISPayCore

/// The first worksheet of an XLSX workbook (Office Open XML SpreadsheetML, ECMA-376 Part 1 §18) as
/// rows of cell text, for a partner's order file saved from Excel or WPS:
///
/// - the sheet is the workbook's first `<sheet>`, found through `xl/workbook.xml` and its
///   relationships; each row keeps its spreadsheet row number (`<row r>`), each cell its column
///   (`<c r="B3">`), so an error names the row a clerk sees;
/// - a cell is text by its type `t`: `s` (an index into `xl/sharedStrings.xml`, rich-text runs joined,
///   phonetic runs left out), `inlineStr`, `str` (a formula's text), `b`, `e`, `d` (ISO 8601);
/// - a number whose style is a date or time format (built-in `numFmtId` 14–22, 27–36, 45–47, 50–58, or
///   a custom code with date or time letters) is a serial day number, written back as
///   `yyyy-MM-dd HH:mm:ss` (the 1900 system, or 1904 when `workbookPr date1904` says so);
/// - any other number keeps its text, except the binary-float noise of a value such as
///   `36.299999999999997`, which is rounded to six decimals (`36.3`). Amounts are then read from that
///   text like a CSV cell; no floating-point value is ever formed.
///
/// A file that is not a zip archive, lacks its workbook or worksheet, or holds markup a spreadsheet
/// never holds (a DOCTYPE, an entity, a processing instruction) is refused with its name.
package enum XLSXSheet {
    /// Why a workbook was refused: the file, and what is wrong where.
    package struct Error: Swift.Error, Hashable, Sendable, CustomStringConvertible {
        package let description: String
        init(_ description: String) { self.description = description }
    }

    /// The rows of the first worksheet of the workbook `data`, read from a file named `file`.
    package static func rows(_ data: Data, file: String) throws(XLSXSheet.Error) -> [(line: Int, fields: [String])] {
        let archive: ZipReader
        do { archive = try ZipReader(data) } catch { throw XLSXSheet.Error("\(file) is not an XLSX workbook (not a zip archive)") }
        let part = Part(archive: archive, file: file)
        let workbook = try part.events("xl/workbook.xml", required: true)
        // The relationship attribute is `r:id` under whatever prefix the writer chose.
        let relationID = workbook.first { $0.name == "sheet" }?.attributes.first { $0.key.hasSuffix(":id") }?.value
        let date1904 = workbook.contains { $0.name == "workbookPr" && ["1", "true"].contains($0.attributes["date1904"] ?? "") }
        var sheetPath = "xl/worksheets/sheet1.xml"
        if let relationID, let target = try part.events("xl/_rels/workbook.xml.rels").first(where: { $0.name == "Relationship" && $0.attributes["Id"] == relationID })?.attributes["Target"] {
            sheetPath = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
        }
        let strings = sharedStrings(try part.events("xl/sharedStrings.xml"))
        let dateStyles = dateStyles(try part.events("xl/styles.xml"))

        var cells: [Int: [Int: String]] = [:]
        var row = 0
        var cell: (column: Int, type: String, style: Int)?
        var value = ""
        var inText = false
        for event in try part.events(sheetPath, required: true) {
            switch event.kind {
            case .start:
                switch event.name {
                case "row":
                    row = event.attributes["r"].flatMap(Int.init) ?? row + 1
                case "c":
                    let column = event.attributes["r"].flatMap(column(of:)) ?? (cells[row]?.keys.max().map { $0 + 1 } ?? 0)
                    cell = (column, event.attributes["t"] ?? "n", event.attributes["s"].flatMap(Int.init) ?? 0)
                    value = ""
                case "v", "t": inText = cell != nil
                default: break
                }
            case .text:
                if inText { value += event.name }
            case .end:
                switch event.name {
                case "v", "t": inText = false
                case "c":
                    guard let current = cell else { break }
                    cells[row, default: [:]][current.column] = try text(
                        value, type: current.type, isDate: dateStyles.contains(current.style), date1904: date1904, strings: strings, file: file, row: row)
                    cell = nil
                default: break
                }
            }
        }
        guard let last = cells.keys.max() else { return [] }
        return (1...last).map { number in
            let row = cells[number] ?? [:]
            let width = (row.keys.max() ?? -1) + 1
            return (number, (0..<width).map { row[$0] ?? "" })
        }
    }

    /// A cell's text from its raw value.
    static func text(
        _ raw: String, type: String, isDate: Bool, date1904: Bool, strings: [String], file: String, row: Int
    ) throws(XLSXSheet.Error) -> String {
        switch type {
        case "s":
            guard let index = Int(raw), strings.indices.contains(index) else {
                throw XLSXSheet.Error("\(file) row \(row): a cell names shared string \(raw), which the workbook lacks")
            }
            return strings[index]
        case "b": return raw == "1" ? "TRUE" : "FALSE"
        case "d": return raw.replacingOccurrences(of: "T", with: " ").prefix(19).description
        case "n" where isDate && !raw.isEmpty:
            guard let text = dateTime(serial: raw, date1904: date1904) else {
                throw XLSXSheet.Error("\(file) row \(row): the date cell \(raw) is not a serial day number")
            }
            return text
        case "n": return number(raw)
        default: return raw  // inlineStr, str, e
        }
    }

    /// A serial day number (days since 1899-12-30, or 1904-01-01 in the 1904 system, the fraction
    /// the time of day) as `yyyy-MM-dd HH:mm:ss`, to the nearest second; decimal arithmetic throughout.
    static func dateTime(serial: String, date1904: Bool) -> String? {
        guard var days = Decimal(string: serial, locale: Locale(identifier: "en_US_POSIX")), !days.isNaN, days >= 0, days < 3_000_000 else { return nil }
        days *= 86_400
        var seconds = Decimal()
        NSDecimalRound(&seconds, &days, 0, .plain)
        // Days from each system's day 0 to 1970-01-01.
        let unix = NSDecimalNumber(decimal: seconds).int64Value - (date1904 ? 24_107 : 25_569) * 86_400
        // The serial is a wall-clock time: shown as such (BeijingTime formats at +08:00).
        return BeijingTime.format(Date(timeIntervalSince1970: TimeInterval(unix - 8 * 3600)))
    }

    /// A number cell's text: as written, or rounded to six decimals when it carries binary-float noise
    /// (more than ten fraction digits, or an exponent).
    static func number(_ raw: String) -> String {
        let fraction = raw.split(separator: ".", maxSplits: 1).dropFirst().first ?? ""
        guard fraction.count > 10 || raw.contains("E") || raw.contains("e"),
            var value = Decimal(string: raw, locale: Locale(identifier: "en_US_POSIX")), !value.isNaN
        else { return raw }
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, 6, .plain)
        return NSDecimalNumber(decimal: rounded).description(withLocale: Locale(identifier: "en_US_POSIX"))
    }

    /// A cell reference's column, 0-based (`A1` → 0, `AB7` → 27).
    static func column(of reference: String) -> Int? {
        let letters = reference.prefix { $0.isASCII && $0.isLetter }.uppercased()
        guard !letters.isEmpty, letters.count <= 3 else { return nil }
        return letters.unicodeScalars.reduce(0) { $0 * 26 + Int($1.value) - 64 } - 1
    }

    /// The shared strings: each `<si>`'s text runs joined, phonetic runs (`<rPh>`) left out.
    static func sharedStrings(_ events: [Event]) -> [String] {
        var strings: [String] = []
        var current = ""
        var inText = false
        var phonetic = false
        for event in events {
            switch (event.kind, event.name) {
            case (.start, "si"): current = ""
            case (.start, "rPh"): phonetic = true
            case (.end, "rPh"): phonetic = false
            case (.start, "t"): inText = !phonetic
            case (.end, "t"): inText = false
            case (.text, let text): if inText { current += text }
            case (.end, "si"): strings.append(current)
            default: break
            }
        }
        return strings
    }

    /// The indices of the cell formats (`<cellXfs><xf numFmtId>`) that show a date or time.
    static func dateStyles(_ events: [Event]) -> Set<Int> {
        let builtIn = Set(14...22).union(27...36).union(45...47).union(50...58)
        var custom: [Int: Bool] = [:]
        var styles: Set<Int> = []
        var inCellFormats = false
        var index = 0
        for event in events {
            switch (event.kind, event.name) {
            case (.start, "numFmt"):
                if let id = event.attributes["numFmtId"].flatMap(Int.init) { custom[id] = isDateCode(event.attributes["formatCode"] ?? "") }
            case (.start, "cellXfs"): inCellFormats = true
            case (.end, "cellXfs"): inCellFormats = false
            case (.start, "xf") where inCellFormats:
                let id = event.attributes["numFmtId"].flatMap(Int.init) ?? 0
                if custom[id] ?? builtIn.contains(id) { styles.insert(index) }
                index += 1
            default: break
            }
        }
        return styles
    }

    /// Whether a custom number format code shows a date or time: any of `y m d h s` outside quoted
    /// text, `[...]` sections and escaped characters.
    static func isDateCode(_ code: String) -> Bool {
        var quoted = false
        var bracket = false
        var escaped = false
        for character in code {
            if escaped { escaped = false; continue }
            switch character {
            case "\\": escaped = true
            case "\"": quoted.toggle()
            case "[" where !quoted: bracket = true
            case "]" where !quoted: bracket = false
            default:
                if !quoted, !bracket, "ymdhsYMDHS".contains(character) { return true }
            }
        }
        return false
    }

    /// One parsing event: an element's start (with its attributes), its end, or text (in `name`).
    struct Event {
        enum Kind { case start, end, text }
        let kind: Kind
        let name: String
        var attributes: [String: String] = [:]
    }

    /// The workbook's parts, read and parsed into events.
    struct Part {
        let archive: ZipReader
        let file: String

        /// The events of the part at `path`; none when an optional part is absent.
        func events(_ path: String, required: Bool = false) throws(XLSXSheet.Error) -> [Event] {
            guard let entry = archive.first(where: { $0.path == path }) else {
                guard !required else { throw XLSXSheet.Error("\(file) is not an XLSX workbook: it lacks \(path)") }
                return []
            }
            let data: Data
            do { data = try archive.contents(of: entry, limit: 256 << 20) } catch {
                throw XLSXSheet.Error("\(file): \(path) cannot be read (\(error.description))")
            }
            guard String(validating: data, as: UTF8.self) != nil else { throw XLSXSheet.Error("\(file): \(path) is not UTF-8") }
            if let markup = FlatXML.unexpectedMarkup(data) { throw XLSXSheet.Error("\(file): \(path) holds \(markup)") }
            let parser = XMLParser(data: data)
            parser.shouldResolveExternalEntities = false
            let collector = Collector()
            parser.delegate = collector
            guard parser.parse(), collector.closedRoot else {
                throw XLSXSheet.Error("\(file): \(path) is not well-formed XML (line \(parser.lineNumber))")
            }
            return collector.events
        }
    }

    private final class Collector: NSObject, XMLParserDelegate {
        var events: [Event] = []
        /// Whether the root element was opened and closed (a truncated part never closes it).
        var closedRoot = false
        private var depth = 0

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            depth += 1
            events.append(Event(kind: .start, name: Self.local(name), attributes: attributes))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { events.append(Event(kind: .text, name: string)) }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            depth -= 1
            if depth == 0 { closedRoot = true }
            events.append(Event(kind: .end, name: Self.local(name)))
        }

        /// An element's name without the prefix some writers put on every element (`x:c`).
        static func local(_ name: String) -> String { name.split(separator: ":").last.map(String.init) ?? name }
    }
}
