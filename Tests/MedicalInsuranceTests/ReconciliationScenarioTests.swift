import Foundation
import HISPayCore
import HISPayTestSupport
import MedicalInsurance
import Testing

/// Two business days through `hispay reconcile`, every input in its real format — a WeChat Pay trade
/// bill in the published layout, HISPay's 3202 settlement list, the ledger CSV — with every
/// discrepancy kind planted, partial refunds, a refund of the previous day's payment, a combined
/// insurance + WeChat settlement missing its insurance leg, and rows near midnight carried into the
/// next day, where one is resolved and one is reported.
@Suite struct ReconciliationScenarioTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hispay-scenario-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// One WeChat trade bill row: `payment` (SUCCESS) or `refund` (REFUND) in the published column layout.
    static func billRow(_ time: String, _ order: String, payment fen: Int64? = nil, refund: (no: String, fen: Int64)? = nil) -> String {
        let yuan = { (fen: Int64) in Amount(fen: fen).yuanString }
        if let refund {
            return "`\(time),`wx2421b1c4370ec43b,`1900000001,`0,`,`4200\(order),`\(order),`oUser,`JSAPI,`REFUND,`OTHERS,`CNY,`0.00,`0.00,"
                + "`5000\(refund.no),`\(refund.no),`\(yuan(refund.fen)),`0.00,`ORIGINAL,`SUCCESS,`门诊退费,`,`0.00000,`0.60%,`0.00,`\(yuan(refund.fen)),`"
        }
        let amount = yuan(fen ?? 0)
        return "`\(time),`wx2421b1c4370ec43b,`1900000001,`0,`,`4200\(order),`\(order),`oUser,`JSAPI,`SUCCESS,`OTHERS,`CNY,`\(amount),`0.00,"
            + "`0,`0,`0.00,`0.00,`,`,`门诊缴费,`,`0.01000,`0.60%,`\(amount),`0.00,`"
    }

    /// A bill file: header, rows, and the summary rows the parser checks them against.
    func bill(_ name: String, _ rows: [String], payments: Int64, refunds: Int64) throws -> String {
        let header = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注"
        let fees = rows.filter { $0.contains("`SUCCESS,`OTHERS") }.count
        let summary = "`\(rows.count),`\(Amount(fen: payments).yuanString),`\(Amount(fen: refunds).yuanString),`0.00,`\(Amount(fen: Int64(fees)).yuanString),`\(Amount(fen: payments).yuanString),`\(Amount(fen: refunds).yuanString)"
        let text = "\u{FEFF}" + ([header] + rows + ["总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额", summary]).joined(separator: "\r\n") + "\r\n"
        return try write(name, Data(text.utf8))
    }

    func write(_ name: String, _ data: Data) throws -> String {
        let url = directory.appendingPathComponent(name)
        try data.write(to: url)
        return url.path
    }

    func reconcile(_ date: String, ledger: String, statements: [String], carryIn: String? = nil) throws -> [String: Any] {
        let out = directory.appendingPathComponent("out-\(date)")
        var arguments = ["reconcile", "--date", date, "--ledger", ledger, "--out", out.path]
        for statement in statements { arguments += ["--statement", statement] }
        if let carryIn { arguments += ["--carry-in", carryIn] }
        let run = try CommandLineRun(arguments)
        #expect(run.status == 0, "\(run.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("report.json"))) as? [String: Any])
    }

    static func found(_ report: [String: Any]) -> [String] {
        ((report["discrepancies"] as? [[String: Any]]) ?? []).map { item in
            "\(item["kind"] ?? "") \(item["channel"] ?? "") \(item["recordKind"] ?? "") \(item["outTradeNo"] ?? "")" + ((item["source"] as? String).map { " \($0)" } ?? "")
        }
    }

    @Test func twoDaysWithEveryKindPlantedAreReportedExactly() throws {
        let day1Bill = try bill("wechat-1122.csv", [
            Self.billRow("2026-11-22 09:00:00", "M1", payment: 1230),  // matched
            Self.billRow("2026-11-22 09:10:00", "A1", payment: 2100),  // HIS booked 20.00
            Self.billRow("2026-11-22 09:20:00", "S1", payment: 800),  // HIS still pending
            Self.billRow("2026-11-22 09:30:00", "X1", payment: 6600),  // channel only
            Self.billRow("2026-11-22 09:40:00", "X2", payment: 100), Self.billRow("2026-11-22 09:40:00", "X2", payment: 100),  // twice
            Self.billRow("2026-11-22 10:00:00", "P1", payment: 10_000),
            Self.billRow("2026-11-22 11:00:00", "P1", refund: ("P1R1", 3000)), Self.billRow("2026-11-22 12:00:00", "P1", refund: ("P1R2", 2000)),
            Self.billRow("2026-11-22 13:00:00", "Y1", refund: ("Y1R1", 1500)),  // refund of yesterday's payment
            Self.billRow("2026-11-22 14:00:00", "C1", payment: 2340),  // cash leg of SETL1
            Self.billRow("2026-11-22 23:59:40", "Q1", payment: 300),  // the HIS books it after midnight
        ], payments: 1230 + 2100 + 800 + 6600 + 200 + 10_000 + 2340 + 300, refunds: 6500)
        let settlements = try write("hispay-3202-1122.txt", try TabSeparatedReconciliationFile().file(for: []).contents)
        let ledger1 = try write("ledger-1122.csv", Data("""
            channel,kind,out_trade_no,out_refund_no,amount,time,settlement_id,status
            wechatpay,payment,M1,,12.30,2026-11-22 09:00:01,,success
            wechatpay,payment,A1,,20.00,2026-11-22 09:10:01,,success
            wechatpay,payment,S1,,8.00,2026-11-22 09:20:01,,pending
            wechatpay,payment,H1,,50.00,2026-11-22 09:50:00,,success
            wechatpay,payment,D1,,5.00,2026-11-22 09:55:00,,success
            wechatpay,payment,D1,,5.00,2026-11-22 09:55:00,,success
            wechatpay,payment,P1,,100.00,2026-11-22 10:00:01,,success
            wechatpay,refund,P1,P1R1,30.00,2026-11-22 11:00:01,,success
            wechatpay,refund,P1,P1R2,20.00,2026-11-22 12:00:01,,success
            wechatpay,refund,Y1,Y1R1,15.00,2026-11-22 13:00:01,,success
            wechatpay,payment,C1,,23.40,2026-11-22 14:00:01,SETL1,success
            insurance,payment,SETL1,,100.00,2026-11-22 14:00:00,SETL1,success
            wechatpay,payment,N1,,99.00,2026-11-22 23:58:30,,success
            wechatpay,payment,N2,,1.00,2026-11-22 23:59:00,,success

            """.utf8))
        let day1 = try reconcile("2026-11-22", ledger: ledger1, statements: ["wechatpay=\(day1Bill)", "insurance=\(settlements)"])
        #expect(day1["summary"] as? [String: Int] == [
            "matched": 6, "channelOnly": 2, "hisOnly": 3, "amountMismatch": 1, "statusMismatch": 1, "duplicate": 2, "carriedOver": 3, "unclassified": 0, "closed": 0, "authorization": 0,
        ])  // matched: M1 P1 P1R1 P1R2 Y1R1 C1; carried over: N1 N2 (HIS) and Q1 (channel)
        #expect(Self.found(day1) == [
            "amountMismatch wechatpay payment A1", "channelOnly wechatpay payment X1", "channelOnly wechatpay payment X2",
            "duplicate wechatpay payment D1 his", "duplicate wechatpay payment X2 channel", "hisOnly insurance payment SETL1",
            "hisOnly wechatpay payment D1", "hisOnly wechatpay payment H1", "statusMismatch wechatpay payment S1",
        ])
        let carry = directory.appendingPathComponent("out-2026-11-22/carry-over.json").path

        // Day 2: N1 shows up on the channel and Q1 in the HIS; N2 never does.
        let day2Bill = try bill("wechat-1123.csv", [Self.billRow("2026-11-23 00:00:05", "N1", payment: 9900)], payments: 9900, refunds: 0)
        let ledger2 = try write("ledger-1123.csv", Data("""
            channel,kind,out_trade_no,out_refund_no,amount,time,settlement_id,status
            wechatpay,payment,Q1,,3.00,2026-11-23 00:00:10,,success

            """.utf8))
        let day2 = try reconcile("2026-11-23", ledger: ledger2, statements: ["wechatpay=\(day2Bill)"], carryIn: carry)
        #expect(day2["summary"] as? [String: Int] == [
            "matched": 2, "channelOnly": 0, "hisOnly": 1, "amountMismatch": 0, "statusMismatch": 0, "duplicate": 0, "carriedOver": 0, "unclassified": 0, "closed": 0, "authorization": 0,
        ])
        #expect(Self.found(day2) == ["hisOnly wechatpay payment N2"])
    }
}
