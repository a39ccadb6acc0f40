import Foundation
import HISPayCore
import HISPayService
import HISPayTestSupport
import Reconciliation
import Testing
import UnionPay

/// Carry-over across two days for Alipay and UnionPay as for WeChat Pay, through each channel's own
/// statement parser from the registry: on day 1 a HIS payment just before midnight and a statement
/// payment just before midnight are carried over (listed in `otherRows`, every bucket adding up); on
/// day 2, with day 1's carry-over, both are matched and nothing disagrees.
@Suite struct TwoDayCarryOverTests {
    static func at(_ text: String) -> Date { BeijingTime.parse(text)! }

    static func his(_ channel: ChannelID, _ order: String, _ fen: Int64, _ time: String) -> LedgerRecord {
        LedgerRecord(channel: channel, kind: .payment, outTradeNo: order, amount: Amount(fen: fen), time: at(time))
    }

    /// Day 1: X1 matched, N1 booked by the HIS at 23:58:30, Q1 on the statement at 23:59:40; day 2: Q1
    /// booked by the HIS after midnight, N1 on the statement after midnight.
    func twoDays(_ channel: ChannelID, day1: StatementInput, day2: StatementInput) throws {
        let registry = ChannelRegistry.standard
        let parser = try registry.statementParser(for: channel)
        let ledger1 = [Self.his(channel, "X1", 1_230, "2026-11-22 10:00:00"), Self.his(channel, "N1", 9_900, "2026-11-22 23:58:30")]
        let (report1, carry) = try registry.reconciler(date: "2026-11-22").run(ledger: LedgerRows(ledger1), statements: [Reconciler.source(parser, day1)])
        try report1.checkTotals()
        #expect(report1.summary.matched == 1 && report1.summary.carriedOver == 2 && report1.discrepancies.isEmpty, "\(report1.discrepancies)")
        #expect(report1.otherRows.map { "\($0.kind) \($0.outTradeNo)" }.sorted() == ["carriedOver N1", "carriedOver Q1"])
        #expect(carry.ledger.map(\.outTradeNo) == ["N1"] && carry.statement.map(\.outTradeNo) == ["Q1"])
        let payments = try #require(report1.totals.first { $0.channel == channel && $0.kind == .payment })
        #expect(payments.hisBuckets.carriedOver.amount == Amount(fen: 9_900) && payments.channelBuckets.carriedOver.amount == Amount(fen: 300))

        let ledger2 = [Self.his(channel, "Q1", 300, "2026-11-23 00:00:10")]
        let (report2, carry2) = try registry.reconciler(date: "2026-11-23").run(
            ledger: LedgerRows(ledger2), statements: [Reconciler.source(parser, day2)], carryIn: carry)
        try report2.checkTotals()
        #expect(report2.summary.matched == 2 && report2.discrepancies.isEmpty && report2.otherRows.isEmpty, "\(report2.discrepancies)")
        #expect(carry2.ledger.isEmpty && carry2.statement.isEmpty)
    }

    @Test func alipayRowsNearMidnightAreCarriedToTheNextDayAndMatchedThere() throws {
        let lines = try Fixtures.vector("alipay-bill-trade-detail-sample")["inputs"]["detail_csv_lines_utf8"].array.map(\.string)
        func bill(_ rows: [(order: String, yuan: String, time: String)]) throws -> Data {
            let body = rows.enumerated().map { index, row in
                "20261122220014000000000\(index)\t,\(row.order)\t,交易\t,挂号费,\(row.time),\(row.time),store\t,store\t,op\t,\t,*患者\t,\(row.yuan),\(row.yuan),0.00,0.00,0.00,0.00,0.00,,0.00\t,0.00,\t,0.00,0.00,挂号费"
            }
            let total = rows.reduce(0) { $0 + (try! Amount(yuan: $1.yuan)).fen }
            let trailer = [
                lines[lines.count - 4], "#交易合计：\(rows.count)笔，商家实收共\(Amount(fen: total).yuanString)元，商家优惠共0.00元",
                "#退款合计：0笔，商家实收退款共0.00元，商家优惠退款共0.00元", lines[lines.count - 1],
            ]
            return try AlipayBillArchive.make(detail: Array(lines.prefix(5)) + body + trailer, summary: nil)
        }
        try twoDays(
            .alipay, day1: StatementInput(data: try bill([("X1", "12.30", "2026-11-22 10:00:05"), ("Q1", "3.00", "2026-11-22 23:59:40")])),
            day2: StatementInput(data: try bill([("N1", "99.00", "2026-11-23 00:00:05")])))
    }

    @Test func unionPayRowsNearMidnightAreCarriedToTheNextDayAndMatchedThere() throws {
        func zm(_ rows: [(order: String, fen: Int64, time: String)]) -> Data {
            let text = rows.enumerated().map { index, row in
                let amount = String(repeating: "0", count: 12 - String(row.fen).count) + String(row.fen)
                return UnionPayZMParser.line([
                    1: "S22", 4: "12345\(index)", 5: row.time, 6: "6222********1234", 7: amount, 10: "78261122100000123456\(index)", 12: row.order,
                    16: "D000000000000", 17: "C" + amount.dropFirst(), 20: "01", 21: "06", 22: "000000", 28: "777290058167151", 33: "C" + amount.dropFirst(),
                ])
            }
            return Data((text.joined(separator: "\r\n") + "\r\n").utf8)
        }
        try twoDays(
            .unionPay, day1: StatementInput(data: zm([("X1", 1_230, "1122100005"), ("Q1", 300, "1122235940")]), name: "INN26112288ZM_777290058167151"),
            day2: StatementInput(data: zm([("N1", 9_900, "1123000005")]), name: "INN26112388ZM_777290058167151"))
    }
}
