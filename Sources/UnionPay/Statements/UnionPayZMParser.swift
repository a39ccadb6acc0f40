import Foundation
import HISPayCompression
import HISPayCore

/// Streams UnionPay ZM files (ordinary transaction detail, `INN<yyMMdd>88ZM_<merId>`) into
/// `StatementRecord`s: 42 fixed-width fields (widths in **bytes**, GBK text) with one separator byte
/// between fields, 607 bytes per line. Payments (txnType 01, 03), refunds/undos (04, 31, 33) and,
/// should a file list them, pre-authorisations (02) and their undos (32) are told apart by field 20;
/// refunds and undos carry the original `queryId` (field 27) and order number (field 41). A short line, a bad D/C sign or a non-digit amount is an error naming the line.
public enum UnionPayZMParser {
    static let layout = UnionPayFixedWidthLayout(
        [3, 11, 11, 6, 10, 19, 12, 4, 2, 21, 2, 32, 2, 6, 10, 13, 13, 4, 15, 2, 2, 6, 2, 4, 32, 1, 21, 15, 1, 15, 32, 13, 13, 8, 32, 13, 13, 12, 2, 1, 32, 98])
    /// Field widths in bytes, in order (《全渠道平台接入接口规范 第3部分 文件接口》 6.1).
    public static var widths: [Int] { layout.widths }
    /// Bytes per record line (fields plus one separator between each).
    package static var lineLength: Int { layout.lineLength }

    /// A record line from field values by 1-based position, each padded with spaces to its byte
    /// width, one space between (the inverse of parsing, for tests and the sandbox).
    public static func line(_ values: [Int: String]) -> String { layout.line(values) }

    /// Totals of the parsed rows (pre-authorisations and their undos count as rows, not as money).
    public struct Summary: Hashable, Sendable, Codable {
        public var count: Int
        public var paymentAmount: Amount
        public var refundAmount: Amount
        public var fee: Amount
        /// Records of the archive's ZME (差错/adjustment) file, carried as unclassified statement
        /// records after the ZM ones.
        public var adjustmentCount: Int

        public init(count: Int = 0, paymentAmount: Amount = .zero, refundAmount: Amount = .zero, fee: Amount = .zero, adjustmentCount: Int = 0) {
            self.count = count
            self.paymentAmount = paymentAmount
            self.refundAmount = refundAmount
            self.fee = fee
            self.adjustmentCount = adjustmentCount
        }
    }

    /// Parses a bill: the zip from the file transfer, or a ZM file itself. `settlementDate` is
    /// `yyyy-MM-dd` (it dates the `MMDDhhmmss` times); for a zip it is read from the ZM file name
    /// when not given.
    public static func parse(_ data: Data, settlementDate: String? = nil, _ handle: (StatementRecord) throws -> Void) throws(ChannelError) -> Summary {
        guard data.starts(with: [0x50, 0x4B]) else {
            guard let settlementDate else {
                throw fail(0, "the settlement date of this ZM file is not in its name (INN<yyMMdd>88ZM_<merId>): give the business day (--date on the command line)")
            }
            return try parse(lines: LineReader(data: data), settlementDate: settlementDate, handle)
        }
        let archive: ZipReader
        do { archive = try ZipReader(data) } catch { throw fail(0, "the file is not a readable zip archive (\(error))") }
        guard let entry = archive.first(where: { $0.path.contains("ZM_") && !$0.path.contains("ZME") }) else {
            throw fail(0, "the archive holds no ZM file (INN<yyMMdd>88ZM_<merId>)")
        }
        let bytes: Data
        do { bytes = try archive.contents(of: entry) } catch { throw fail(0, "ZM entry is corrupt (\(error))") }
        let date = settlementDate ?? dateFromName(entry.path)
        guard let date else {
            throw fail(0, "the settlement date is not in the name \(entry.path) (INN<yyMMdd>88ZM_<merId>): give the business day (--date on the command line)")
        }
        var summary = try parse(lines: LineReader(data: bytes), settlementDate: date, handle)
        if let adjustments = archive.first(where: { $0.path.contains("ZME_") }) {
            let contents: Data
            do { contents = try archive.contents(of: adjustments) } catch { throw fail(0, "ZME entry is corrupt (\(error))") }
            for record in try UnionPayZMEParser.parse(lines: LineReader(data: contents), settlementDate: date) {
                summary.adjustmentCount += 1
                do { try handle(record.statementRecord) } catch { throw fail(0, "\(error)") }
            }
        }
        return summary
    }

    /// Streams ZM lines.
    public static func parse(lines: some Sequence<Data>, settlementDate: String, _ handle: (StatementRecord) throws -> Void) throws(ChannelError) -> Summary {
        guard let settled = UnionPayFixedWidthLayout.settlement(settlementDate) else { throw fail(0, "settlement date \(settlementDate) is not yyyy-MM-dd") }
        var summary = Summary()
        var number = 0
        for line in lines {
            number += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) { continue }
            let record = try record(Array(line), number: number, year: settled.year, settleMonth: settled.month)
            do {
                summary.count += 1
                if record.kind == .refund {
                    summary.refundAmount = try summary.refundAmount.adding(record.amount)
                } else if record.kind == .payment {
                    summary.paymentAmount = try summary.paymentAmount.adding(record.amount)
                }
                summary.fee = try summary.fee.adding(record.fee)
            } catch { throw fail(number, "totals overflow") }
            do { try handle(record) } catch { throw fail(number, "\(error)") }
        }
        return summary
    }

    static func record(_ bytes: [UInt8], number: Int, year: Int, settleMonth: Int) throws(ChannelError) -> StatementRecord {
        guard bytes.count >= lineLength else {
            throw fail(number, "has \(bytes.count) bytes; a ZM record has \(lineLength) (truncated line)")
        }
        func text(_ seq: Int) -> String { layout.text(bytes, seq) }
        func unsigned(_ seq: Int, _ name: String) throws(ChannelError) -> Amount {
            let value = text(seq)
            guard !value.isEmpty, value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let fen = Int64(value) else {
                throw fail(number, "field \(seq) \(name) \"\(value)\" is not a number of fen")
            }
            return Amount(fen: fen)
        }
        func signed(_ seq: Int, _ name: String) throws(ChannelError) -> Amount {
            let value = text(seq)
            guard let sign = value.first, sign == "D" || sign == "C" else {
                throw fail(number, "field \(seq) \(name) \"\(value)\" does not start with D or C")
            }
            let digits = value.dropFirst()
            guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let fen = Int64(digits) else {
                throw fail(number, "field \(seq) \(name) \"\(value)\" is not a signed number of fen")
            }
            return Amount(fen: sign == "D" ? fen : -fen)
        }
        let amount = try unsigned(7, "交易金额")
        let fee = try signed(16, "商户手续费")
        _ = try signed(17, "结算金额")
        let transmission = text(5)
        guard let time = UnionPayFixedWidthLayout.time(transmission, year: year, settleMonth: settleMonth) else {
            throw fail(number, "field 5 交易传输时间 \"\(transmission)\" is not MMDDhhmmss")
        }
        let txnType = text(20)
        let kind = Self.kind(txnType: txnType)
        // A refund or release is its own order; it names the order it undoes (field 41) and its queryId (27).
        let isFollowUp = kind == .refund || kind == .release
        let orderID = text(12)
        return StatementRecord(
            channel: .unionPay, kind: kind,
            outTradeNo: isFollowUp ? (text(41).isEmpty ? orderID : text(41)) : orderID,
            channelTradeNo: isFollowUp ? text(27) : text(10), outRefundNo: isFollowUp ? orderID : nil,
            channelRefundNo: isFollowUp ? text(10) : nil, amount: amount, fee: fee, time: time, status: txnType)
    }

    /// What a row of `txnType` (field 20) is: consume (01) and pre-authorisation completion (03)
    /// are payments; refund (04), consume undo (31) and completion undo (33) refunds; a
    /// pre-authorisation (02) is a freeze and its undo (32) a release, neither of which moves money
    /// (《全渠道平台接入接口规范》 txnType codes).
    static func kind(txnType: String) -> StatementRecord.Kind {
        switch txnType {
        case "02": .freeze
        case "32": .release
        case "04", "31", "33": .refund
        default: .payment
        }
    }

    /// The settlement date in a ZM file name: `INN26112288ZM_…` → `2026-11-22`.
    public static func dateFromName(_ path: String) -> String? {
        guard let range = path.range(of: "INN"), path[range.upperBound...].count >= 6 else { return nil }
        let digits = path[range.upperBound...].prefix(6)
        guard digits.allSatisfy(\.isNumber) else { return nil }
        return "20\(digits.prefix(2))-\(digits.dropFirst(2).prefix(2))-\(digits.suffix(2))"
    }

    static func fail(_ line: Int, _ what: String) -> ChannelError {
        ChannelError(.invalidResponse, channel: .unionPay, operation: .statement, reason: line > 0 ? "ZM line \(line): \(what)" : "UnionPay bill: \(what)")
    }
}
