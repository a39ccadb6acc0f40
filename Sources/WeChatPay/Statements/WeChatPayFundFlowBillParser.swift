import Foundation
import HISPayCore

/// Reads a WeChat Pay fund-flow bill (资金账单: APIv3 `fundflowbill`, v2 `downloadfundflow`): the
/// account's movements — an order's money coming in, a refund or a fee going out — rather than its
/// orders. Same shape as the trade bill: a header row, one row per movement with every field after a
/// backtick, then `资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额` and its row, which are checked
/// against the rows. Columns are found by name; `收支金额(元)` and `收支金额（元）` are one column.
public enum WeChatPayFundFlowBillParser {
    /// One movement of the account.
    public struct Record: Hashable, Sendable, Codable {
        public var time: Date
        /// 微信支付业务单号: the payment's or refund's WeChat Pay number.
        public var businessNo: String
        /// 资金流水单号.
        public var flowNo: String
        /// 业务名称 (e.g. 订单入账), 业务类型 (交易, 退款, 扣除交易手续费, …).
        public var name: String
        public var type: String
        /// 收支类型 收入 (true) or 支出.
        public var isIncome: Bool
        /// 收支金额, positive; 账户结余 after it.
        public var amount: Amount
        public var balance: Amount
        /// 业务凭证号 (the merchant's order or refund number), 备注.
        public var voucherNo: String
        public var note: String
    }

    /// What the file states about itself, verified against the rows.
    public struct Summary: Hashable, Sendable, Codable {
        public var count: Int
        public var incomeCount: Int
        public var incomeAmount: Amount
        public var expenseCount: Int
        public var expenseAmount: Amount

        public init(count: Int, incomeCount: Int, incomeAmount: Amount, expenseCount: Int, expenseAmount: Amount) {
            self.count = count
            self.incomeCount = incomeCount
            self.incomeAmount = incomeAmount
            self.expenseCount = expenseCount
            self.expenseAmount = expenseAmount
        }
    }

    private static let required = ["记账时间", "微信支付业务单号", "资金流水单号", "业务类型", "收支类型", "收支金额", "账户结余"]

    /// Parses a whole fund-flow bill.
    public static func parse(_ data: Data) throws(ChannelError) -> (records: [Record], summary: Summary) {
        var columns: [String: Int] = [:]
        var columnCount = 0
        var records: [Record] = []
        var counted = Summary(count: 0, incomeCount: 0, incomeAmount: .zero, expenseCount: 0, expenseAmount: .zero)
        var summaryColumns: [String: Int]?
        var stated: Summary?
        for (index, line) in LineReader(data: data).enumerated() {
            func fail(_ what: String) -> ChannelError {
                ChannelError(.invalidResponse, channel: .wechatPay, operation: .statement, reason: "fund-flow bill line \(index + 1): \(what)")
            }
            var text = String(decoding: line, as: UTF8.self)
            if index == 0, text.hasPrefix("\u{FEFF}") { text.removeFirst() }
            if text.isBlank { continue }
            guard stated == nil else { throw fail("content after the summary row") }
            let fields = split(text)
            if columns.isEmpty {
                columns = Dictionary(fields.enumerated().map { (name($1), $0) }, uniquingKeysWith: { first, _ in first })
                columnCount = fields.count
                let missing = required.filter { columns[$0] == nil }
                guard missing.isEmpty else { throw fail("header lacks the columns \(missing.joined(separator: ", "))") }
                continue
            }
            if fields.first == "资金流水总笔数" {
                summaryColumns = Dictionary(fields.enumerated().map { (name($1), $0) }, uniquingKeysWith: { first, _ in first })
                continue
            }
            func value(_ column: String, in names: [String: Int]) -> String { names[column].flatMap { $0 < fields.count ? fields[$0] : nil } ?? "" }
            func amount(_ column: String, in names: [String: Int]) throws(ChannelError) -> Amount {
                do { return try Amount(yuan: value(column, in: names), allowNegative: true) } catch { throw fail("\(column): \(error)") }
            }
            func count(_ column: String, in names: [String: Int]) throws(ChannelError) -> Int {
                let text = value(column, in: names)
                guard let number = Int(text.hasSuffix(".0") ? String(text.dropLast(2)) : text), number >= 0 else { throw fail("\(column) \"\(text)\" is not a count") }
                return number
            }
            if let names = summaryColumns {
                stated = Summary(
                    count: try count("资金流水总笔数", in: names), incomeCount: try count("收入笔数", in: names),
                    incomeAmount: try amount("收入金额", in: names), expenseCount: try count("支出笔数", in: names),
                    expenseAmount: try amount("支出金额", in: names))
                continue
            }
            guard fields.count == columnCount else {
                throw fail("has \(fields.count) fields, the header has \(columnCount) (truncated or corrupt row)")
            }
            guard let time = BeijingTime.parse(value("记账时间", in: columns)) else { throw fail("记账时间 \"\(value("记账时间", in: columns))\" is not a time") }
            let direction = value("收支类型", in: columns)
            guard direction == "收入" || direction == "支出" else { throw fail("收支类型 \"\(direction)\" is neither 收入 nor 支出") }
            let moved = try amount("收支金额", in: columns)
            let record = Record(
                time: time, businessNo: value("微信支付业务单号", in: columns), flowNo: value("资金流水单号", in: columns), name: value("业务名称", in: columns),
                type: value("业务类型", in: columns), isIncome: direction == "收入", amount: Amount(fen: abs(moved.fen)),
                balance: try amount("账户结余", in: columns), voucherNo: value("业务凭证号", in: columns), note: value("备注", in: columns))
            do {
                counted.count += 1
                if record.isIncome {
                    counted.incomeCount += 1
                    counted.incomeAmount = try counted.incomeAmount.adding(record.amount)
                } else {
                    counted.expenseCount += 1
                    counted.expenseAmount = try counted.expenseAmount.adding(record.amount)
                }
            } catch { throw fail("totals overflow") }
            records.append(record)
        }
        guard let stated else {
            throw ChannelError(.invalidResponse, channel: .wechatPay, operation: .statement, reason: "fund-flow bill is truncated: no summary row after \(counted.count) rows")
        }
        for (name, claimed, rows) in [
            ("资金流水总笔数", "\(stated.count)", "\(counted.count)"), ("收入笔数", "\(stated.incomeCount)", "\(counted.incomeCount)"),
            ("收入金额", stated.incomeAmount.yuanString, counted.incomeAmount.yuanString), ("支出笔数", "\(stated.expenseCount)", "\(counted.expenseCount)"),
            ("支出金额", stated.expenseAmount.yuanString, counted.expenseAmount.yuanString),
        ] where claimed != rows {
            throw ChannelError(.invalidResponse, channel: .wechatPay, operation: .statement, reason: "fund-flow bill summary says \(name) \(claimed) but its rows add up to \(rows)")
        }
        return (records, stated)
    }

    /// A column's name without its backtick and unit: `收支金额(元)` and `收支金额（元）` are `收支金额`.
    private static func name(_ field: String) -> String {
        var name = field
        for unit in ["(元)", "（元）"] where name.hasSuffix(unit) { name.removeLast(unit.count) }
        return name
    }

    /// A row split where a comma is followed by a backtick or ends the line (备注 is free text), each
    /// field's leading backtick dropped; a header row (no backticks) on every comma.
    private static func split(_ text: String) -> [String] {
        guard text.hasPrefix("`") else { return text.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        var fields: [String] = []
        var rest = Substring(text)
        while true {
            if rest.first == "`" { rest = rest.dropFirst() }
            guard let end = rest.range(of: ",`") else {
                fields.append(String(rest))
                return fields
            }
            fields.append(String(rest[..<end.lowerBound]))
            rest = rest[end.upperBound...]
        }
    }
}
