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
        let fields = text.utf8.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map { Substring($0).trimmingSpaces }
        if columns.isEmpty {
            columns = Dictionary(fields.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
            columnCount = fields.count
            let missing = Self.required.filter { columns[$0] == nil }
            guard missing.isEmpty else { throw fail("header lacks \(missing.joined(separator: ", "))") }
            return nil
        }
        guard !listEnded else { throw fail("a data row after the end of the list") }
        guard fields.count == columnCount else { throw fail("has \(fields.count) fields, the header has \(columnCount) (truncated or corrupt row)") }
        func field(_ name: String) -> String { columns[name].map { fields[$0] } ?? "" }
        func amount(_ name: String) throws(ChannelError) -> Amount {
            let text = field(name)
            if text.isEmpty { return .zero }
            do { return try Amount(yuan: text, allowNegative: true) } catch { throw fail("\(name): \(error)") }
        }
        guard let time = BeijingTime.parse(field("完成时间")) else { throw fail("完成时间 \"\(field("完成时间"))\" is not a time") }
        let received = try amount("商家实收（元）")
        let fee = try amount("服务费（元）")
        let type = field("业务类型")
        let isRefund = type == "退款"
        guard isRefund || type == "交易" else { throw fail("unknown 业务类型 \(type)") }
        do {
            if isRefund {
                counted.refundCount += 1
                counted.refundAmount = try counted.refundAmount.subtracting(received)
            } else {
                counted.paymentCount += 1
                counted.paymentAmount = try counted.paymentAmount.adding(received)
            }
            counted.fee = try counted.fee.adding(fee)
        } catch { throw fail("totals overflow") }
        return StatementRecord(
            channel: .alipay, kind: isRefund ? .refund : .payment, outTradeNo: field("商户订单号"), channelTradeNo: field("支付宝交易号"),
            outRefundNo: isRefund ? field("退款批次号/请求号") : nil, channelRefundNo: nil,
            // Refund rows carry negative amounts; records hold the money moved, positive. (A parsed amount
            // is never Int64.min, so abs cannot overflow.)
            amount: Amount(fen: abs(received.fen)),
            fee: fee, time: time, status: type)
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
