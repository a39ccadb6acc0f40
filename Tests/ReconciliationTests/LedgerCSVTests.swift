import Foundation
import HISPayCore
import Reconciliation
import Testing

/// The documented ledger CSV: UTF-8 (with a BOM from Excel) or GBK, columns in any order, quoted
/// fields, and bad rows named by line.
@Suite struct LedgerCSVTests {
    func write(_ bytes: [UInt8]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-\(UUID().uuidString).csv")
        try Data(bytes).write(to: url)
        return url
    }

    func rows(_ url: URL) throws -> [LedgerRecord] {
        var rows: [LedgerRecord] = []
        try LedgerCSV(url: url).forEach { rows.append($0) }
        return rows
    }

    @Test func utf8WithBOMAndQuotedFieldsInAnyColumnOrder() throws {
        let text = "\u{FEFF}kind,channel,out_trade_no,amount,time,status,settlement_id,out_refund_no\r\n"
            + "payment,wechatpay,REG1,12.30,2026-11-22 10:00:00,success,,\r\n"
            + "refund,alipay,\"REG2\",\"1,000.00\",2026-11-22 11:00:00,success,SETL9,REG2R1\r\n"
        let url = try write(Array(text.utf8))
        let error = #expect(throws: ReconciliationError.self) { try rows(url) }
        #expect(error?.reason.contains("line 3: amount") == true)  // "1,000.00" is not an amount
        let fixed = try write(Array(text.replacingOccurrences(of: "\"1,000.00\"", with: "1000.00").utf8))
        let parsed = try rows(fixed)
        #expect(parsed.count == 2)
        #expect(parsed[0] == LedgerRecord(channel: .wechatPay, kind: .payment, outTradeNo: "REG1", amount: Amount(fen: 1230), time: BeijingTime.parse("2026-11-22 10:00:00")!))
        #expect(parsed[1].outRefundNo == "REG2R1" && parsed[1].settlementID == "SETL9" && parsed[1].amount == Amount(fen: 100_000))
    }

    @Test func gbkTextIsRead() throws {
        let header = Array("channel,kind,out_trade_no,amount,time,status\n".utf8)
        let row = try GB18030.encode("wechatpay,payment,门诊REG1,5.00,2026-11-22 10:00:00,成功\n")
        let parsed = try rows(try write(header + row))
        #expect(parsed.map(\.outTradeNo) == ["门诊REG1"])
        #expect(parsed.first?.isBooked == true)
    }

    /// Plain ASCII rows are read in place; rows with quotes, spaces or other text go through the text
    /// path. Both give the same records for the same values.
    @Test func plainAndQuotedRowsReadAlike() throws {
        let header = "channel,kind,out_trade_no,out_refund_no,amount,time,settlement_id,status,partner\n"
        let plain = "wechatpay,refund,REG1,REG1R1,12.30,2026-11-22 10:00:00,SETL1,success,pool-a\nalipay,payment,REG2,,0.01,2026-11-22 10:00:01,,,\n"
        let dressed = "\"wechatpay\", refund ,\tREG1,\"REG1R1\",12.30 ,2026-11-22 10:00:00,SETL1,success\u{3000},pool-a\n"
            + "alipay ,payment,REG2 , ,\"0.01\",\" 2026-11-22 10:00:01\",,,\n"
        let fast = try rows(try write(Array((header + plain).utf8)))
        #expect(fast.count == 2)
        #expect(fast[0].outRefundNo == "REG1R1" && fast[0].settlementID == "SETL1" && fast[0].partner == "pool-a" && fast[0].amount == Amount(fen: 1230))
        #expect(fast[1].outRefundNo == nil && fast[1].settlementID == nil && fast[1].status == "success" && fast[1].partner == nil)
        #expect(try rows(try write(Array((header + dressed).utf8))) == fast)
        #expect(try rows(try write(Array(header.utf8) + (try GB18030.encode(plain)))) == fast)
    }

    @Test func badInputIsNamed() throws {
        let cases: [(String, String)] = [
            ("channel,kind,out_trade_no,time\n", "lacks the column amount"),
            ("channel,kind,out_trade_no,amount,time\nwechatpay,payment,R1,abc,2026-11-22 10:00:00\n", "line 2: amount"),
            ("channel,kind,out_trade_no,amount,time\nwechatpay,charge,R1,1.00,2026-11-22 10:00:00\n", "line 2: kind charge"),
            ("channel,kind,out_trade_no,amount,time\nwechatpay,payment,R1,1.00,22/11/2026\n", "line 2: time"),
            ("channel,kind,out_trade_no,amount,time\nwechatpay,payment,,1.00,2026-11-22 10:00:00\n", "line 2: out_trade_no is empty"),
            ("", "no header row"),
        ]
        for (text, reason) in cases {
            let error = #expect(throws: ReconciliationError.self) { try rows(try write(Array(text.utf8))) }
            #expect(error?.reason.contains(reason) == true, "\(String(describing: error))")
        }
        let missing = #expect(throws: ReconciliationError.self) { try rows(URL(fileURLWithPath: "/nonexistent/ledger.csv")) }
        #expect(missing?.code == .unreadable)
    }
}
