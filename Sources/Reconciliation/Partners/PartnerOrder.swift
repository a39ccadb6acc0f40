import Foundation
import HISPayCore

/// One row of a partner's order file, as ``PartnerFormat`` reads it.
public struct PartnerOrder: Sendable, Hashable, Codable {
    /// `paid`, `refunded`, or `other` (a status that moved no money, e.g. cancelled).
    public enum State: String, Sendable, Hashable, Codable {
        case paid
        case refunded
        case other
    }

    /// The hospital's order number.
    public var orderNo: String
    public var amount: Amount
    public var commission: Amount
    public var state: State
    /// The partner's own status text.
    public var status: String
    public var time: Date?
    /// The line in the file.
    public var line: Int

    /// Reads the partner's CSV file at `url` as `format` describes it (UTF-8 with or without BOM, or
    /// GBK). A bad row is an error naming the file, line and column. (HISPayService's
    /// `PartnerOrder.load(_:format:)` also reads XLSX workbooks.)
    public static func read(_ url: URL, format: PartnerFormat) throws -> [PartnerOrder] {
        guard FileManager.default.isReadableFile(atPath: url.path) else {
            throw ReconciliationError(.unreadable, "cannot read \(format.name)'s order file \(url.path)")
        }
        return try parse(try csvRows(url, format: format), file: url.lastPathComponent, format: format)
    }

    /// Reads the orders from a file's `rows` (each with the line an error names: a CSV line, a sheet's
    /// row number) as `format` describes them.
    public static func parse(_ rows: [(line: Int, fields: [String])], file: String, format: PartnerFormat) throws -> [PartnerOrder] {
        let start = format.skipRows
        guard rows.count > start else { throw ReconciliationError(.malformedLedger, "\(file) has no header row after \(start) skipped rows") }
        let header = rows[start].fields.map(\.trimmingSpaces)
        var index: [String: Int] = [:]
        var missing: [String] = []
        for field in ["orderNo", "amount", "time", "status", "commission"] {
            guard let column = format.columns[field] else { continue }
            if let position = header.firstIndex(of: column) { index[field] = position } else { missing.append("\(column) (\(field))") }
        }
        guard missing.isEmpty else {
            throw ReconciliationError(.malformedLedger, "\(file) line \(rows[start].line): the header lacks the column\(missing.count > 1 ? "s" : "") \(missing.joined(separator: ", "))")
        }
        let body = rows[(start + 1)...].dropLast(format.footerRows)
        var orders: [PartnerOrder] = []
        for row in body where !row.fields.allSatisfy({ $0.trimmingSpaces.isEmpty }) {
            func value(_ field: String) -> String? {
                guard let position = index[field], position < row.fields.count else { return nil }
                let text = row.fields[position].trimmingSpaces
                return text.isEmpty ? nil : text
            }
            func amount(_ field: String) throws -> Amount {
                guard let text = value(field) else {
                    if field == "commission" { return .zero }
                    throw ReconciliationError(.malformedLedger, "\(file) line \(row.line): \(format.columns[field] ?? field) is empty")
                }
                do {
                    return format.amountInFen ? try Amount(fenText: text, allowNegative: true) : try Amount(yuan: text, allowNegative: true)
                } catch {
                    throw ReconciliationError(.malformedLedger, "\(file) line \(row.line): \(format.columns[field] ?? field) \(text) is not an amount in \(format.amountInFen ? "fen" : "yuan")")
                }
            }
            guard let orderNo = value("orderNo") else {
                throw ReconciliationError(.malformedLedger, "\(file) line \(row.line): \(format.columns["orderNo"] ?? "orderNo") is empty")
            }
            let status = value("status") ?? "paid"
            let state: State = format.columns["status"] == nil || format.paidStatuses.contains(status) ? .paid : format.refundedStatuses.contains(status) ? .refunded : .other
            let time = try value("time").map { text in
                guard let date = BeijingTime.parse(text) else {
                    throw ReconciliationError(.malformedLedger, "\(file) line \(row.line): \(format.columns["time"] ?? "time") \(text) is not yyyy-MM-dd HH:mm:ss")
                }
                return date
            }
            orders.append(PartnerOrder(
                orderNo: orderNo, amount: try amount("amount").magnitude, commission: try amount("commission"), state: state, status: status, time: time, line: row.line))
        }
        return orders
    }

    /// The CSV file's lines, decoded and split.
    static func csvRows(_ url: URL, format: PartnerFormat) throws -> [(line: Int, fields: [String])] {
        var rows: [(line: Int, fields: [String])] = []
        var number = 0
        for line in LineReader(fileURL: url) {
            number += 1
            var bytes = line
            if bytes.last == 0x0D { bytes.removeLast() }
            if number == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
            let utf8 = format.encoding == .gbk ? nil : String(validating: bytes, as: UTF8.self)
            guard let text = utf8 ?? gbk(bytes, format: format) else {
                throw ReconciliationError(.malformedLedger, "\(url.lastPathComponent) line \(number) is not \(format.encoding == .utf8 ? "UTF-8" : "UTF-8 or GBK") text")
            }
            rows.append((number, LedgerCSV.split(text)))
        }
        return rows
    }

    private static func gbk(_ bytes: some Collection<UInt8>, format: PartnerFormat) -> String? {
        guard format.encoding != .utf8 else { return nil }
        return try? GB18030.decode(bytes)
    }
}

extension Amount {
    /// The amount without its sign (a refund row may write its amount negative).
    var magnitude: Amount { Amount(fen: fen < 0 ? -fen : fen) }
}
