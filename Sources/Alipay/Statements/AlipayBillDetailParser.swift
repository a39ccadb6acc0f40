import Foundation
import HISPayCore

/// The line-by-line state of an Alipay detail file (`#支付宝业务明细查询`).
struct AlipayBillDetailParser {
    private var columns: [String: Int] = [:]
    private var columnCount = 0
    private var lineNumber = 0
    private var counted = AlipayBillParser.Summary(paymentCount: 0, refundCount: 0, paymentAmount: .zero, refundAmount: .zero, fee: .zero)
    private var footerPayments: (count: Int, amount: Amount)?
    private var footerRefunds: (count: Int, amount: Amount)?
    private var listEnded = false

    private static let required = ["支付宝交易号", "商户订单号", "业务类型", "完成时间", "商家实收（元）"]

    mutating func feed(_ line: String) throws(ChannelError) -> StatementRecord? {
        lineNumber += 1
        let text = line.trimmingSpaces
        if text.isEmpty { return nil }
        if text.hasPrefix("#") {
            if text.contains("业务明细列表结束") { listEnded = true }
            if text.hasPrefix("#交易合计") { footerPayments = try Self.footer(text, line: lineNumber) }
            if text.hasPrefix("#退款合计") { footerRefunds = try Self.footer(text, line: lineNumber) }
            return nil
        }
        var fields = Self.split(text)
        if columns.isEmpty {
            columns = Dictionary(fields.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
            columnCount = fields.count
            positions = Positions(columns)
            let missing = Self.required.filter { columns[$0] == nil }
            guard missing.isEmpty else { throw fail("header lacks \(missing.joined(separator: ", "))") }
            return nil
        }
        guard !listEnded else { throw fail("a data row after the end of the list") }
        var repair: String?
        if fields.count > columnCount {
            let extra = fields.count - columnCount
            guard let (repaired, note) = anchored(fields) else {
                throw fail("has \(fields.count) fields, the header has \(columnCount), and no free-text column can take the \(extra) extra comma(s)")
            }
            fields = repaired
            repair = note
        }
        guard fields.count == columnCount else { throw fail("has \(fields.count) fields, the header has \(columnCount) (truncated or corrupt row)") }
        func field(_ name: String) -> String { columns[name].map { fields[$0] } ?? "" }
        func amount(_ name: String) throws(ChannelError) -> Amount {
            let text = field(name)
            if text.isEmpty { return .zero }
            do { return try Amount(yuan: text, allowNegative: true) } catch { throw fail("\(name): \(error)") }
        }
        guard let time = BeijingTime.parse(field("完成时间")) else { throw fail("完成时间 \"\(field("完成时间"))\" is not a time") }
        return try record(
            type: field("业务类型"), received: try amount("商家实收（元）"), fee: try amount("服务费（元）"), time: time, outTradeNo: field("商户订单号"),
            tradeNo: field("支付宝交易号"), refundNo: field("退款批次号/请求号"), repair: repair)
    }

    /// Where the columns a record reads are, found once from the header.
    struct Positions {
        var tradeNo = 0, outTradeNo = 0, type = 0, time = 0, received = 0
        var fee: Int?, refundNo: Int?
        init() {}
        init(_ columns: [String: Int]) {
            (tradeNo, outTradeNo, type, time, received) = (
                columns["支付宝交易号"] ?? 0, columns["商户订单号"] ?? 0, columns["业务类型"] ?? 0, columns["完成时间"] ?? 0, columns["商家实收（元）"] ?? 0
            )
            (fee, refundNo) = (columns["服务费（元）"], columns["退款批次号/请求号"])
        }
    }
    private var positions = Positions()
    private var bounds: [Range<Int>] = []

    /// 交易 and 退款 in GBK, to tell a row's kind from its bytes.
    private static let payment: [UInt8] = [0xBD, 0xBB, 0xD2, 0xD7], refund: [UInt8] = [0xCD, 0xCB, 0xBF, 0xEE]

    /// The record of a data row read from the GBK file's bytes, or nil — nothing consumed — when the
    /// line is to be decoded and given to ``feed(_:)``. A data row without quotes, with as many fields
    /// as the header and plain ASCII in the fields a record keeps (nearly every row) is read in place:
    /// a comma or quote never occurs inside a GBK character (trail bytes are 0x40 and up, or digits
    /// in four-byte sequences), so the row splits before decoding, and its type is told from the GBK
    /// bytes of 交易 or 退款. Decoding each row and splitting the text was nine tenths of parsing a bill.
    mutating func plainRecord(_ line: UnsafeRawBufferPointer) throws(ChannelError) -> StatementRecord? {
        guard !columns.isEmpty, !listEnded, let first = line.first, first != UInt8(ascii: "#"), !line.contains(UInt8(ascii: "\"")) else { return nil }
        ByteFields.split(line, at: UInt8(ascii: ","), into: &bounds)
        guard bounds.count == columnCount else { return nil }
        let bounds = bounds
        func field(_ position: Int?) -> UnsafeRawBufferPointer? {
            guard let position else { return UnsafeRawBufferPointer(start: nil, count: 0) }
            let field = ByteFields.trimmed(UnsafeRawBufferPointer(rebasing: line[bounds[position]]))
            return field.contains { $0 >= 0x80 } ? nil : field
        }
        let at = positions
        guard let tradeNo = field(at.tradeNo), let outTradeNo = field(at.outTradeNo), let timeText = field(at.time), let receivedText = field(at.received),
            let feeText = field(at.fee), let refundNo = field(at.refundNo), let time = BeijingTime.parse(utf8: timeText)
        else { return nil }
        let type = ByteFields.trimmed(UnsafeRawBufferPointer(rebasing: line[bounds[at.type]]))
        let typeText: String
        if type.elementsEqual(Self.payment) {
            typeText = "交易"
        } else if type.elementsEqual(Self.refund) {
            typeText = "退款"
        } else {
            return nil
        }
        lineNumber += 1
        func amount(_ bytes: UnsafeRawBufferPointer, _ name: String) throws(ChannelError) -> Amount {
            if bytes.isEmpty { return .zero }
            do { return try Amount(yuan: bytes, allowNegative: true) } catch { throw fail("\(name): \(error)") }
        }
        func text(_ bytes: UnsafeRawBufferPointer) -> String { String(decoding: bytes, as: UTF8.self) }
        return try record(
            type: typeText, received: try amount(receivedText, "商家实收（元）"), fee: try amount(feeText, "服务费（元）"), time: time,
            outTradeNo: text(outTradeNo), tradeNo: text(tradeNo), refundNo: text(refundNo), repair: nil)
    }

    /// Counts a data row into the totals the footers are checked against, and makes its record.
    private mutating func record(
        type: String, received: Amount, fee: Amount, time: Date, outTradeNo: String, tradeNo: String, refundNo: String, repair: String?
    ) throws(ChannelError) -> StatementRecord {
        let kind: StatementRecord.Kind = type == "退款" ? .refund : type == "交易" ? .payment : .unclassified
        do {
            switch kind {
            case .refund:
                counted.refundCount += 1
                counted.refundAmount = try counted.refundAmount.subtracting(received)
            case .payment:
                counted.paymentCount += 1
                counted.paymentAmount = try counted.paymentAmount.adding(received)
            default:
                // Not part of the 交易合计/退款合计 footers; reconciliation reports it.
                counted.unclassifiedCount += 1
            }
            counted.fee = try counted.fee.adding(fee)
        } catch { throw fail("totals overflow") }
        return StatementRecord(
            channel: .alipay, kind: kind, outTradeNo: outTradeNo, channelTradeNo: tradeNo,
            outRefundNo: kind == .refund ? refundNo : nil, channelRefundNo: nil,
            // Refund rows carry negative amounts; records hold the money moved, positive. (A parsed amount
            // is never Int64.min, so abs cannot overflow.)
            amount: Amount(fen: abs(received.fen)),
            fee: fee, time: time, status: kind == .unclassified && received.fen < 0 ? "\(type) \(received.yuanString)" : type, repair: repair)
    }

    private static let freeText = ["商品名称", "备注"]

    /// Splits a row on commas. A field in double quotes (RFC 4180, as CSV writers quote text holding a
    /// comma) is one field, `""` inside it a quote.
    static func split(_ text: String) -> [String] {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ",")
        guard text.utf8.contains(quote) else {
            return text.utf8.split(separator: comma, omittingEmptySubsequences: false).map { Substring($0).trimmingSpaces }
        }
        var fields: [String] = []
        var field = ""
        var quoted = false, wasQuoted = false
        var scalars = text.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            if quoted {
                if scalar == "\"" {
                    var lookahead = scalars
                    if lookahead.next() == "\"" {
                        field.unicodeScalars.append("\"")
                        scalars = lookahead
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(scalar)
                }
            } else if scalar == "," {
                fields.append(wasQuoted ? field : field.trimmingSpaces)
                field = ""
                wasQuoted = false
            } else if scalar == "\"", !wasQuoted, field.trimmingSpaces.isEmpty {
                field = ""
                quoted = true
                wasQuoted = true
            } else if !wasQuoted {
                field.unicodeScalars.append(scalar)
            }
        }
        fields.append(wasQuoted ? field : field.trimmingSpaces)
        return fields
    }

    /// A row with more fields than the header, read by anchoring the fixed columns at both ends: the
    /// free-text columns (``freeText``) take the extra commas, the first of them as many as leave every
    /// time and amount column readable. Nil when no such reading exists.
    private func anchored(_ fields: [String]) -> ([String], String)? {
        let extra = fields.count - columnCount
        let free = Self.freeText.compactMap { name in columns[name].map { (name, $0) } }.sorted { $0.1 < $1.1 }
        guard !free.isEmpty else { return nil }
        // Every way to share `extra` among the free columns, the first column taking the most first.
        var shares: [[Int]] = [[]]
        for position in free.indices {
            shares = shares.flatMap { taken -> [[Int]] in
                let left = extra - taken.reduce(0, +)
                return position == free.count - 1 ? [taken + [left]] : (0...left).reversed().map { taken + [$0] }
            }
        }
        for share in shares {
            var row: [String] = []
            var next = 0
            for column in 0..<columnCount {
                let width = free.firstIndex { $0.1 == column }.map { share[$0] } ?? 0
                row.append(width == 0 ? fields[next] : fields[next...(next + width)].joined(separator: ","))
                next += width + 1
            }
            guard readable(row) else { continue }
            let taken = zip(free, share).filter { $0.1 > 0 }.map { "\($0.0.0) took \($0.1)" }.joined(separator: ", ")
            return (row, "the row has \(extra) more comma(s) than the header; read with \(taken)")
        }
        return nil
    }

    /// Whether every time and amount column of `row` reads as one (or is empty). Amounts must have the
    /// bill's own form, two decimals (`0.01`, `-0.01`), so a comma inside an amount is not read as two.
    private func readable(_ row: [String]) -> Bool {
        columns.allSatisfy { name, index in
            let text = row[index]
            if text.isEmpty { return true }
            if name.hasSuffix("时间") { return BeijingTime.parse(text) != nil }
            if name.hasSuffix("（元）") { return Self.isBillAmount(text) }
            return true
        }
    }

    private static func isBillAmount(_ text: String) -> Bool {
        let parts = (text.hasPrefix("-") ? text.dropFirst() : text[...]).split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].count == 2 && parts.allSatisfy { $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }

    func finish() throws(ChannelError) -> AlipayBillParser.Summary {
        guard let footerPayments, let footerRefunds else {
            throw AlipayBillParser.fail("detail file is truncated: no #交易合计/#退款合计 footer after line \(lineNumber)")
        }
        let checks: [(String, String, String)] = [
            ("交易合计 count", "\(footerPayments.count)", "\(counted.paymentCount)"),
            ("交易合计 商家实收", footerPayments.amount.yuanString, counted.paymentAmount.yuanString),
            ("退款合计 count", "\(footerRefunds.count)", "\(counted.refundCount)"),
            ("退款合计 商家实收", footerRefunds.amount.yuanString, "-" + counted.refundAmount.yuanString),
        ]
        for (name, stated, rows) in checks where stated != rows && !(stated == "0.00" && rows == "-0.00") {
            throw AlipayBillParser.fail("footer \(name) is \(stated) but the rows add up to \(rows)")
        }
        return counted
    }

    /// Checks the summary file's 合计 row (order counts and 商家实收 net) against the detail totals.
    static func checkSummaryFile(_ lines: [String], against totals: AlipayBillParser.Summary) throws(ChannelError) {
        let rows = lines.map { $0.trimmingSpaces }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
        guard let header = rows.first?.split(separator: ",", omittingEmptySubsequences: false).map({ $0.trimmingSpaces }),
            let total = rows.first(where: { $0.hasPrefix("合计") })?.split(separator: ",", omittingEmptySubsequences: false).map({ $0.trimmingSpaces })
        else { throw AlipayBillParser.fail("summary file has no header or 合计 row") }
        func value(_ name: String) -> String? { header.firstIndex(of: name).flatMap { $0 < total.count ? total[$0] : nil } }
        if let count = value("交易订单总笔数"), count != "\(totals.paymentCount)" {
            throw AlipayBillParser.fail("summary 交易订单总笔数 is \(count), the detail has \(totals.paymentCount)")
        }
        if let count = value("退款订单总笔数"), count != "\(totals.refundCount)" {
            throw AlipayBillParser.fail("summary 退款订单总笔数 is \(count), the detail has \(totals.refundCount)")
        }
        if let net = value("商家实收（元）") {
            let expected = (try? totals.paymentAmount.subtracting(totals.refundAmount))?.yuanString
            guard let stated = try? Amount(yuan: net, allowNegative: true), stated.yuanString == expected else {
                throw AlipayBillParser.fail("summary 商家实收 is \(net), the detail nets \(expected ?? "?")")
            }
        }
    }

    /// `#交易合计：6笔，商家实收共0.06元，…` → (6, 0.06).
    private static func footer(_ text: String, line: Int) throws(ChannelError) -> (count: Int, amount: Amount) {
        guard let colon = text.firstIndex(where: { $0 == "：" || $0 == ":" }), let unit = text[colon...].firstIndex(of: "笔"),
            let count = Int(text[text.index(after: colon)..<unit]),
            let start = text.range(of: "商家实收")?.upperBound, let end = text[start...].firstIndex(of: "元")
        else { throw AlipayBillParser.fail("line \(line): footer \"\(text)\" is not in the expected form") }
        let amountText = text[start..<end].replacingOccurrences(of: "退款", with: "").replacingOccurrences(of: "共", with: "")
        do { return (count, try Amount(yuan: amountText, allowNegative: true)) } catch {
            throw AlipayBillParser.fail("line \(line): footer amount: \(error)")
        }
    }

    private func fail(_ what: String) -> ChannelError { AlipayBillParser.fail("detail line \(lineNumber): \(what)") }
}
