import Alipay
import Foundation
import HISPayCore
import HISPayTestSupport
import Testing
import ZIPFoundation

@Suite struct AlipayBillParserTests {
    let detail: [String]
    let summary = [
        "#支付宝业务汇总查询", "#账号：[20880211096256330156]",
        "#起始日期：[2019年09月16日 00:00:00]   终止日期：[2019年09月17日 00:00:00]",
        "门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）,支付宝优惠（元）,商家优惠（元）,卡消费金额（元）,服务费（元）,分润（元）,实收净额（元）",
        "alipay_store\t,alipay_store\t,5,4,0.01,0.01,0.00,0.00,0.00,0.00,0.00,0.01",
        "\t,\t,1,0,0.01,0.01,0.00,0.00,0.00,0.00,0.00,0.01",
        "合计,,6,4,0.02,0.02,0.00,0.00,0.00,0.00,0.00,0.02",
        "#导出时间：[2019年09月17日 05:46:49]",
    ]

    init() throws {
        detail = try Fixtures.vector("alipay-bill-trade-detail-sample")["inputs"]["detail_csv_lines_utf8"].array.map(\.string)
    }

    @Test func gbkArchiveRoundTripsIntoRecordsMatchingItsTotals() throws {
        let (records, totals) = try AlipayBillParser.parse(archive: AlipayBillArchive.make(detail: detail, summary: summary))
        #expect(records.count == 10)
        #expect(totals == .init(paymentCount: 6, refundCount: 4, paymentAmount: Amount(fen: 6), refundAmount: Amount(fen: 4), fee: .zero))
        let refund = records[1]
        #expect(refund.kind == .refund)
        #expect(refund.channelTradeNo == "2019091622001458860515315453")  // the trailing tab is gone
        #expect(refund.outTradeNo == "service_1568601259302")
        #expect(refund.amount == Amount(fen: 1))
        #expect(refund.time == BeijingTime.parse("2019-09-16 10:56:48"))
        #expect(records[0].kind == .payment)
        #expect(records.contains { $0.outTradeNo == "20190916165659224L3VUQRL9" })
    }

    @Test func chineseTextIsDecodedExactly() throws {
        let bytes = try GB18030.encode("门诊缴费，住院预交金：¥12.30")
        #expect(bytes.count > 0)
        #expect(try GB18030.decode(bytes) == "门诊缴费，住院预交金：¥12.30")
        #expect(throws: GB18030.Error.self) { try GB18030.decode([0xC3]) }  // a lead byte with no trail byte
    }

    @Test func missingFileCorruptZipTruncationAndWrongTotalsAreErrors() throws {
        #expect(throws: ChannelError(.invalidResponse, reason: "")) { try AlipayBillParser.parse(archive: AlipayBillArchive.make(detail: nil, summary: summary)) }
        #expect(throws: ChannelError(.invalidResponse, reason: "")) { try AlipayBillParser.parse(archive: Data("PK\u{03}\u{04}garbage".utf8)) }
        let truncated = Array(detail.prefix(9))
        #expect(throws: ChannelError(.invalidResponse, reason: "")) { try AlipayBillParser.parse(archive: AlipayBillArchive.make(detail: truncated, summary: summary)) }
        var wrongFooter = detail
        wrongFooter[wrongFooter.count - 3] = "#交易合计：6笔，商家实收共0.07元，商家优惠共0.00元"
        do {
            _ = try AlipayBillParser.parse(archive: AlipayBillArchive.make(detail: wrongFooter, summary: summary))
            Issue.record("a wrong footer must fail")
        } catch {
            #expect((error as? ChannelError)?.reason.contains("0.07") == true)
        }
        var wrongSummary = summary
        wrongSummary[6] = "合计,,7,4,0.02,0.02,0.00,0.00,0.00,0.00,0.00,0.02"
        #expect(throws: ChannelError(.invalidResponse, reason: "")) { try AlipayBillParser.parse(archive: AlipayBillArchive.make(detail: detail, summary: wrongSummary)) }
    }

    @Test func utf8TextWhereGBKIsExpectedIsRefusedOrNotMistakenForABill() throws {
        // UTF-8 bytes of Chinese text are not the GBK bill header: the detail file is not recognised.
        let utf8 = try AlipayBillArchive.make(detail: detail, summary: summary) { Array($0.utf8) }
        #expect(throws: ChannelError(.invalidResponse, reason: "")) { try AlipayBillParser.parse(archive: utf8) }
    }

    /// Commas in the free text the hospital writes (商品名称, 备注). No public sample bill with such a
    /// comma was found; the public merchant-side parsers found read the detail file with RFC 4180 CSV
    /// readers (Go `encoding/csv` with `LazyQuotes`, Java `com.csvreader.CsvReader`, hutool `CsvReader`),
    /// so a quoted field is read the RFC 4180 way and is not a repair. The rows here are the sample's
    /// (vector `alipay-bill-trade-detail-sample`) with their text changed.
    @Test func aQuotedFreeTextFieldHoldingCommasIsOneField() throws {
        var lines = detail
        lines[5] = lines[5].replacingOccurrences(of: ",下单测试,2019", with: #","门诊缴费,挂号费 ""专家""",2019"#)
        let (records, _) = try AlipayBillParser.parse(archive: AlipayBillArchive.make(detail: lines, summary: summary))
        #expect(records.count == 10)
        #expect(records[0].outTradeNo == "service_1568601259302" && records[0].amount == Amount(fen: 1))
        #expect(records.allSatisfy { $0.repair == nil })
    }

    /// An unquoted comma in 商品名称 and two in 备注: the fixed columns at both ends anchor the row, the
    /// free-text columns take the extra commas, and the row is flagged rather than the file refused.
    @Test func unquotedCommasInFreeTextAreAnchoredAndFlagged() throws {
        var lines = detail
        lines[5] = lines[5].replacingOccurrences(of: ",下单测试,2019", with: ",门诊缴费,挂号费,2019")
        lines[6] = lines[6].replacingOccurrences(of: ",0.00,0.00,下单测试", with: ",0.00,0.00,退费,患者要求,已核")
        let (records, totals) = try AlipayBillParser.parse(archive: AlipayBillArchive.make(detail: lines, summary: summary))
        #expect(records.count == 10)
        #expect(totals.paymentAmount == Amount(fen: 6) && totals.refundAmount == Amount(fen: 4))
        #expect(records[0].time == BeijingTime.parse("2019-09-16 10:55:23"))
        #expect(records[0].repair == "the row has 1 more comma(s) than the header; read with 商品名称 took 1")
        #expect(records[1].outRefundNo == "re_test_1568602607356" && records[1].amount == Amount(fen: 1))
        #expect(records[1].repair == "the row has 2 more comma(s) than the header; read with 备注 took 2")
        #expect(records.dropFirst(2).allSatisfy { $0.repair == nil })
    }

    /// Extra commas that no free-text column can take (here inside an amount) leave no readable row.
    @Test func extraCommasNoFreeTextCanTakeAreRefusedNamingTheLine() throws {
        var lines = detail
        lines[5] = lines[5].replacingOccurrences(of: ",0.01,0.01,0.00", with: ",0,01,0.01,0.00")
        do {
            _ = try AlipayBillParser.parse(archive: AlipayBillArchive.make(detail: lines, summary: summary))
            Issue.record("an unreadable row must fail")
        } catch {
            let reason = (error as? ChannelError)?.reason ?? ""
            #expect(reason.contains("detail line 6"))
            #expect(reason.contains("no free-text column can take the 1 extra comma(s)"))
        }
    }

    /// A 业务类型 other than 交易/退款 does not refuse the file: the row is carried as unclassified,
    /// outside the footers' totals, for reconciliation to report.
    @Test func anUnknownBusinessTypeIsCarriedAsUnclassified() throws {
        var lines = detail
        let row = lines[5].replacingOccurrences(of: ",交易\t,", with: ",冻结\t,").replacingOccurrences(of: ",0.01,0.01,", with: ",-0.01,-0.01,")
        lines.insert(row, at: 6)
        let (records, totals) = try AlipayBillParser.parse(archive: AlipayBillArchive.make(detail: lines, summary: summary))
        #expect(records.count == 11)
        #expect(totals.unclassifiedCount == 1 && totals.paymentCount == 6 && totals.refundCount == 4)
        #expect(records[1].kind == .unclassified)
        #expect(records[1].status == "冻结 -0.01")
        #expect(records[1].amount == Amount(fen: 1))
    }
}
