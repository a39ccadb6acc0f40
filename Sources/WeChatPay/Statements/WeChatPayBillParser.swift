import Foundation
import HISPayCore

/// Streams a WeChat Pay trade bill (`bill_type` ALL, SUCCESS or REFUND; APIv3 tradebill and v2
/// downloadbill share the format) into `StatementRecord`s.
///
/// The format: UTF-8 with BOM, CRLF; a header row; one row per record with every field prefixed by a
/// backtick; then a summary header (`总交易单数,应结订单总金额,退款总金额,…`) and one summary row.
/// Columns are found by name, so variants with or without coupon and fee-rate columns parse alike —
/// the ALL, SUCCESS (no refund columns) and REFUND (refund times, settled amount 0.00) layouts, and the
/// earlier names 总金额/总交易额/总退款金额 (`formerNames`).
/// The summary is checked against the rows: a truncated or inconsistent file is an error.
public struct WeChatPayBillParser {
    /// What the file's own summary row states, verified against the rows.
    public struct Summary: Hashable, Sendable, Codable {
        public var count: Int
        /// Sum of 应结订单金额 (settled payments).
        public var paymentAmount: Amount
        /// Sum of 退款金额 (refunds).
        public var refundAmount: Amount
        /// Sum of 手续费 (fees).
        public var fee: Amount

        public init(count: Int, paymentAmount: Amount, refundAmount: Amount, fee: Amount) {
            self.count = count
            self.paymentAmount = paymentAmount
            self.refundAmount = refundAmount
            self.fee = fee
        }
    }

    private var columns: [String: Int] = [:]
    /// The positions of the columns a record needs, found once from the header (looking Chinese
    /// column names up per field was a sixth of the parsing time).
    private var positions = Positions()
    private var columnCount = 0
    private var lineNumber = 0
    private var rows = Summary(count: 0, paymentAmount: .zero, refundAmount: .zero, fee: .zero)
    private var stated: Summary? = nil
    private var summaryColumns: [String: Int]? = nil
    private let channel: ChannelID

    public init(channel: ChannelID = .wechatPay) { self.channel = channel }

    /// Parses a whole bill in memory.
    public static func parse(_ data: Data, channel: ChannelID = .wechatPay) throws(ChannelError) -> (records: [StatementRecord], summary: Summary) {
        var records: [StatementRecord] = []
        let summary = try parse(lines: LineReader(data: data), channel: channel) { records.append($0) }
        return (records, summary)
    }

    /// Streams `lines` into `handle`, one record at a time; returns the verified summary.
    public static func parse(
        lines: some Sequence<Data>,
        channel: ChannelID = .wechatPay,
        _ handle: (StatementRecord) throws -> Void
    ) throws(ChannelError) -> Summary {
        var parser = WeChatPayBillParser(channel: channel)
        for line in lines {
            if let record = try parser.feed(line) { try parser.pass(record, to: handle) }
        }
        return try parser.finish()
    }

    /// Streams the lines `reader` reads into `handle` without copying them; returns the verified summary.
    public static func parse(
        _ reader: LineReader,
        channel: ChannelID = .wechatPay,
        _ handle: (StatementRecord) throws -> Void
    ) throws -> Summary {
        var parser = WeChatPayBillParser(channel: channel)
        try reader.forEachLine { line in
            if let record = try parser.feed(bytes: line) { try parser.pass(record, to: handle) }
        }
        return try parser.finish()
    }

    private func pass(_ record: StatementRecord, to handle: (StatementRecord) throws -> Void) throws(ChannelError) {
        do { try handle(record) } catch { throw ChannelError(.invalidResponse, channel: channel, operation: .statement, reason: "\(error)") }
    }

    /// Consumes one line; returns the record it holds, if any.
    public mutating func feed(_ line: Data) throws(ChannelError) -> StatementRecord? {
        try line.withUnsafeBytes(typed: { bytes throws(ChannelError) in try feed(bytes: bytes) })
    }

    /// Consumes one line's bytes; returns the record it holds, if any.
    public mutating func feed(bytes line: UnsafeRawBufferPointer) throws(ChannelError) -> StatementRecord? {
        lineNumber += 1
        // Record rows are read on bytes; only the header and summary rows become text.
        if !columns.isEmpty, summaryColumns == nil, line.first == UInt8(ascii: "`") { return try record(line) }
        var text = String(decoding: line, as: UTF8.self)
        if lineNumber == 1, text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        if text.isBlank { return nil }
        let fields = text.utf8.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map { bytes -> Substring in
            let field = Substring(bytes)
            return field.first == "`" ? field.dropFirst() : field
        }
        if stated != nil { throw fail("content after the summary row") }
        if let summaryColumns {
            stated = try summary(fields, summaryColumns)
            return nil
        }
        if columns.isEmpty {
            try readHeader(fields.map(String.init))
            return nil
        }
        if fields.first == "总交易单数" {
            summaryColumns = Dictionary(fields.enumerated().map { (String($1), $0) }, uniquingKeysWith: { first, _ in first })
            return nil
        }
        return try record(line)
    }

    /// Checks that the summary was present and agrees with the rows.
    public func finish() throws(ChannelError) -> Summary {
        guard let stated else {
            throw ChannelError(
                .invalidResponse, channel: channel, operation: .statement,
                reason: "bill is truncated: no summary row after \(rows.count) records (line \(lineNumber))")
        }
        for (name, claimed, counted) in [
            ("总交易单数", "\(stated.count)", "\(rows.count)"),
            ("应结订单总金额", stated.paymentAmount.yuanString, rows.paymentAmount.yuanString),
            ("退款总金额", stated.refundAmount.yuanString, rows.refundAmount.yuanString),
            ("手续费总金额", stated.fee.yuanString, rows.fee.yuanString),
        ] where claimed != counted {
            throw ChannelError(
                .invalidResponse, channel: channel, operation: .statement,
                reason: "bill summary says \(name) \(claimed) but its rows add up to \(counted)")
        }
        return stated
    }

    private static let required = ["交易时间", "微信订单号", "商户订单号", "交易状态", "应结订单金额", "手续费"]

    /// The current column and summary names (the SDKs' fixtures since 2019), and the names earlier
    /// bills used for the same thing (public downloadbill fixtures of 2014–2018: 总金额, 总交易额, 总退款金额).
    static let formerNames = ["应结订单金额": "总金额", "应结订单总金额": "总交易额", "退款总金额": "总退款金额"]

    private mutating func readHeader(_ fields: [String]) throws(ChannelError) {
        columns = Dictionary(fields.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        for (current, former) in Self.formerNames where columns[current] == nil { columns[current] = columns[former] }
        columnCount = fields.count
        let missing = Self.required.filter { columns[$0] == nil }
        guard missing.isEmpty else { throw fail("header lacks the columns \(missing.joined(separator: ", "))") }
        positions = Positions(columns)
    }

    /// Where the columns a record reads are (`nil`: the variant has no such column).
    struct Positions {
        var time, state, settled, refunded, fee, outTradeNo, tradeNo, outRefundNo, refundNo, refundState: Int?
        init() {}
        init(_ columns: [String: Int]) {
            (time, state, settled, refunded, fee) = (columns["交易时间"], columns["交易状态"], columns["应结订单金额"], columns["退款金额"], columns["手续费"])
            (outTradeNo, tradeNo, outRefundNo, refundNo, refundState) = (columns["商户订单号"], columns["微信订单号"], columns["商户退款单号"], columns["微信退款单号"], columns["退款状态"])
        }
    }

    /// Byte ranges of the current row's fields, reused from row to row.
    private var bounds: [Range<Int>] = []

    /// One record row, read from its bytes: the row is split where a comma is followed by a backtick
    /// or ends the line (a plain loop: `memchr` per field of a few bytes cost more than it saved) —
    /// every field starts with a backtick, and
    /// 商品名称/商户数据包 are the merchant's free text, commas included — each field's backtick
    /// dropped, amounts and the time read in place, and only the fields a record keeps made into
    /// strings (splitting a decoded `String` cost nine tenths of the parsing time).
    private mutating func record(_ line: UnsafeRawBufferPointer) throws(ChannelError) -> StatementRecord {
        bounds.removeAll(keepingCapacity: true)
        func field(_ start: Int, _ end: Int) -> Range<Int> { start < end && line[start] == UInt8(ascii: "`") ? start + 1..<end : start..<end }
        var start = 0
        var index = 0
        while index < line.count {
            // A comma inside the field's text is followed by something other than a backtick.
            if line[index] == UInt8(ascii: ","), index + 1 == line.count || line[index + 1] == UInt8(ascii: "`") {
                bounds.append(field(start, index))
                start = index + 1
            }
            index += 1
        }
        bounds.append(field(start, line.count))  // after a final comma, the last field is empty
        guard bounds.count == columnCount else {
            throw fail("has \(bounds.count) fields, the header has \(columnCount) (truncated or corrupt row)")
        }
        let bounds = bounds
        func field(_ position: Int?) -> UnsafeRawBufferPointer {
            guard let position else { return UnsafeRawBufferPointer(start: nil, count: 0) }
            return UnsafeRawBufferPointer(rebasing: line[bounds[position]])
        }
        func text(_ position: Int?) -> String { String(decoding: field(position), as: UTF8.self) }
        func amount(_ position: Int?, _ name: String, negative: Bool = false) throws(ChannelError) -> Amount {
            let bytes = field(position)
            if bytes.isEmpty { return .zero }
            do { return try Amount(yuan: bytes, allowNegative: negative) } catch { throw fail("column \(name): \(error)") }
        }
        let at = positions
        guard let time = BeijingTime.parse(utf8: field(at.time)) else { throw fail("交易时间 \"\(text(at.time))\" is not a time") }
        let settled = try amount(at.settled, "应结订单金额")
        let refunded = try amount(at.refunded, "退款金额")
        let fee = try amount(at.fee, "手续费", negative: true)
        do {
            rows.count += 1
            rows.paymentAmount = try rows.paymentAmount.adding(settled)
            rows.refundAmount = try rows.refundAmount.adding(refunded)
            rows.fee = try rows.fee.adding(fee)
        } catch {
            throw fail("totals overflow")
        }
        let state = text(at.state)
        guard state == "REFUND" else {
            return StatementRecord(
                channel: channel, kind: .payment, outTradeNo: text(at.outTradeNo), channelTradeNo: text(at.tradeNo),
                amount: settled, fee: fee, time: time, status: state)
        }
        let refundState = text(at.refundState)
        return StatementRecord(
            channel: channel, kind: .refund, outTradeNo: text(at.outTradeNo), channelTradeNo: text(at.tradeNo),
            outRefundNo: text(at.outRefundNo), channelRefundNo: text(at.refundNo), amount: refunded, fee: fee,
            time: time, status: refundState.isEmpty ? state : refundState)
    }

    private func summary(_ fields: [Substring], _ names: [String: Int]) throws(ChannelError) -> Summary {
        func value(_ name: String) throws(ChannelError) -> String {
            guard let index = names[name] ?? Self.formerNames[name].flatMap({ names[$0] }), index < fields.count else { throw fail("summary lacks \(name)") }
            return String(fields[index])
        }
        func amount(_ name: String, negative: Bool = false) throws(ChannelError) -> Amount {
            let text = try value(name)
            do { return try Amount(yuan: text, allowNegative: negative) } catch { throw fail("summary \(name): \(error)") }
        }
        let countText = try value("总交易单数")
        guard let count = Int(countText.hasSuffix(".0") ? String(countText.dropLast(2)) : countText) else {
            throw fail("summary 总交易单数 \"\(countText)\" is not a count")
        }
        return Summary(
            count: count, paymentAmount: try amount("应结订单总金额"), refundAmount: try amount("退款总金额"),
            fee: try amount("手续费总金额", negative: true))
    }

    private func fail(_ what: String) -> ChannelError {
        ChannelError(.invalidResponse, channel: channel, operation: .statement, reason: "bill line \(lineNumber): \(what)")
    }
}
