import Foundation
import HISPayCore

/// A UnionPay file layout of fixed-width fields (widths in **bytes**, GBK text) with one separator
/// byte between fields, as the official SDK's `parseFile` reads ZM and ZME files.
struct UnionPayFixedWidthLayout: Sendable {
    let widths: [Int]
    /// Bytes per record line (fields plus one separator between each).
    let lineLength: Int
    /// Where each field starts in a line.
    let offsets: [Int]

    init(_ widths: [Int]) {
        self.widths = widths
        lineLength = widths.reduce(0, +) + widths.count - 1
        offsets = widths.indices.map { index in widths[..<index].reduce(0, +) + index }
    }

    /// A line from field values by 1-based position, each padded with spaces to its byte width, one
    /// space between (the inverse of parsing, for tests and the sandbox).
    func line(_ values: [Int: String]) -> String {
        widths.enumerated().map { index, width in
            let value = values[index + 1] ?? ""
            return value + String(repeating: " ", count: max(0, width - value.utf8.count))
        }.joined(separator: " ")
    }

    /// Field `seq` (1-based) of `bytes`, spaces trimmed: ASCII fields without the GBK decoder.
    func text(_ bytes: [UInt8], _ seq: Int) -> String {
        let field = bytes[offsets[seq - 1]..<(offsets[seq - 1] + widths[seq - 1])]
        if field.allSatisfy({ $0 < 0x80 }) {
            let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 }
            guard let first = field.firstIndex(where: { !isSpace($0) }), let last = field.lastIndex(where: { !isSpace($0) }) else { return "" }
            return String(decoding: field[first...last], as: UTF8.self)
        }
        return ((try? GB18030.decode(Array(field))) ?? String(decoding: field, as: UTF8.self)).trimmingSpaces
    }

    /// The year and month of a settlement date `yyyy-MM-dd`, or nil when it is not one.
    static func settlement(_ date: String) -> (year: Int, month: Int)? {
        let parts = date.split(separator: "-").compactMap { Int($0) }
        return parts.count == 3 ? (parts[0], parts[1]) : nil
    }

    /// The 交易传输时间 `MMDDhhmmss` of a file settled in `settleMonth` of `year` (a December
    /// transaction in a January file is of the year before).
    static func time(_ text: String, year: Int, settleMonth: Int) -> Date? {
        guard text.count == 10, let month = Int(text.prefix(2)) else { return nil }
        return BeijingTime.parse("\(month > settleMonth ? year - 1 : year)\(text)")
    }
}
