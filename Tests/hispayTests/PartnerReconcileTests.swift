import Foundation
import HISPayCore
import HISPayTestSupport
import Testing

/// A resource-pool partner's order file — GBK, two title lines before its own column names, a totals
/// line after — reconciled three ways (partner ↔ HIS ↔ WeChat Pay's published trade bill) by
/// `hispay reconcile --partner`. Partners' files follow no public standard (each platform writes its
/// own), so the layout is the config's; the bill is WeChat Pay's published sample
/// (`wechat-bill-trade-all-sample`). Planted: an order only the partner lists (partner side), a HIS
/// order attributed to the partner that its file lacks (HIS side), and an order the partner and HIS
/// agree on that the channel never took (channel side).
@Suite struct PartnerReconcileTests {
    static func gbk(_ hex: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return bytes
    }

    @Test func aGBKPartnerFileIsMatchedThreeWaysWithCommissionAndSettlement() throws {
        let (directory, bill, _, records) = try ReconcileCommandLineTests.plantedDay()
        let payments = records.filter { $0.kind == .payment }
        try #require(payments.count >= 3)
        let (sold, alsoSold, direct) = (payments[0], payments[1], payments[2])
        // The HIS: every bill row, two of them sold by the partner (one it forgot to list), and a
        // partner order WeChat Pay never took.
        var ledger = ["channel,kind,out_trade_no,out_refund_no,amount,time,settlement_id,status,partner"]
        for record in records {
            let partner = record.kind == .payment && [sold.outTradeNo, alsoSold.outTradeNo].contains(record.outTradeNo) ? "jk160" : ""
            ledger.append("wechatpay,\(record.kind),\(record.outTradeNo),\(record.outRefundNo ?? ""),\(record.amount.yuanString),\(BeijingTime.format(record.time)),,success,\(partner)")
        }
        ledger.append("wechatpay,payment,NOTPAID1,,30.00,2019-02-19 09:00:00,,success,jk160")
        let ledgerFile = directory.appendingPathComponent("his.csv")
        try Data((ledger.joined(separator: "\n") + "\n").utf8).write(to: ledgerFile)

        // The partner's file: GBK, its own columns, commission per order.
        var file = Self.gbk("bda1bfb531363020b9d2bac5b6a9b5a5b6d4d5cbb5a5") + [0x0D, 0x0A]  // 健康160 挂号订单对账单
        file += Self.gbk("b5bcb3f6cab1bce4a3ba323031392d30322d3230") + [0x0D, 0x0A]  // 导出时间：2019-02-20
        file += Self.gbk("d2bdd4bab6a9b5a5bac52cc6bdcca8b6a9b5a5bac52cd6a7b8b6bdf0b6ee2ccfc2b5a5cab1bce42cb6a9b5a5d7b4ccac2cd3b6bdf0") + [0x0D, 0x0A]
        let paid = Self.gbk("d2d1d6a7b8b6")  // 已支付
        func line(_ order: String, _ amount: String, _ commission: String) -> [UInt8] {
            Array("\(order),P-\(order),\(amount),2019-02-19 10:00:00,".utf8) + paid + Array(",\(commission)\r\n".utf8)
        }
        file += line(sold.outTradeNo, sold.amount.yuanString, "0.50")
        file += line("PARTNERONLY1", "25.00", "1.25")
        file += line("NOTPAID1", "30.00", "1.50")
        file += Self.gbk("bacfbcc6") + Array(",,,,,3.25\r\n".utf8)  // 合计
        let partnerFile = directory.appendingPathComponent("jk160.csv")
        try Data(file).write(to: partnerFile)

        let config = directory.appendingPathComponent("hispay.json")
        try Data("""
            {"merchants": [{"name": "main", "wechatpay": {"mchId": "1900000100"}}],
             "partners": [{"name": "jk160", "displayName": "健康160", "encoding": "gbk", "skipRows": 2, "footerRows": 1,
                           "columns": {"orderNo": "医院订单号", "amount": "支付金额", "time": "下单时间", "status": "订单状态", "commission": "佣金"},
                           "paidStatuses": ["已支付"]}]}
            """.utf8).write(to: config)
        let out = directory.appendingPathComponent("partner-out")
        let run = try CommandLineRun([
            "reconcile", "--date", "2019-02-19", "--ledger", ledgerFile.path, "--statement", "wechatpay=\(bill.path)", "--partner", "jk160=\(partnerFile.path)",
            "--config", config.path, "--out", out.path,
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("report.json"))) as? [String: Any])
        let partner = try #require((report["partners"] as? [[String: Any]])?.first)
        let buckets = try #require(partner["buckets"] as? [String: [String: Int]])
        #expect(buckets["matched"] == ["count": 1, "amount": Int(sold.amount.fen)])
        #expect(buckets["partnerOnly"] == ["count": 1, "amount": 2500])
        #expect(buckets["notOnChannel"] == ["count": 1, "amount": 3000])
        #expect(partner["missingFromPartner"] as? [String: Int] == ["count": 1, "amount": Int(alsoSold.amount.fen)])
        // The partner's rows add up to its buckets; commission and settlement from its own column.
        let paidBucket = try #require(partner["paid"] as? [String: Int])
        #expect(paidBucket == ["count": 3, "amount": Int(sold.amount.fen) + 5500])
        #expect(partner["commission"] as? Int == 325)
        #expect(partner["settlement"] as? Int == Int(sold.amount.fen) + 5500 - 325)
        let items = try #require(partner["items"] as? [[String: Any]])
        #expect(Set(items.compactMap { $0["orderNo"] as? String }) == ["PARTNERONLY1", "NOTPAID1", alsoSold.outTradeNo])
        #expect(items.first { $0["orderNo"] as? String == "PARTNERONLY1" }?["line"] as? Int == 5)
        #expect(!items.contains { $0["orderNo"] as? String == direct.outTradeNo })  // a direct sale is no partner's
        let inputs = try #require((report["context"] as? [String: Any])?["inputs"] as? [[String: Any]])
        #expect(inputs.contains { $0["role"] as? String == "partner:jk160" && $0["rows"] as? Int == 3 })
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("健康160") && html.contains(#"data-field="partners.jk160.commission">3.25<"#))

        // A file without the configured column is refused, naming it; an unknown partner too.
        try Data("title\r\nexported\r\norder,amount\r\n1,2\r\n".utf8).write(to: partnerFile)
        let bad = try CommandLineRun([
            "reconcile", "--date", "2019-02-19", "--ledger", ledgerFile.path, "--statement", "wechatpay=\(bill.path)", "--partner", "jk160=\(partnerFile.path)",
            "--config", config.path, "--out", out.path,
        ])
        #expect(bad.status != 0 && bad.stderr.contains("jk160.csv line 3") && bad.stderr.contains("医院订单号"), "\(bad.stderr)")
        let unknown = try CommandLineRun([
            "reconcile", "--date", "2019-02-19", "--ledger", ledgerFile.path, "--statement", "wechatpay=\(bill.path)", "--partner", "nobody=\(partnerFile.path)",
            "--config", config.path, "--out", out.path,
        ])
        #expect(unknown.status != 0 && unknown.stderr.contains("jk160"), "\(unknown.stderr)")
    }
}
