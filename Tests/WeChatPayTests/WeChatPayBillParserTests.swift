import Foundation
import HISPayCore
import HISPayCrypto
import HISPayTestSupport
import Testing
import WeChatPay

@Suite struct WeChatPayBillParserTests {
    let sample: Data
    let expected: JSONValue

    init() throws {
        let vector = try Fixtures.vector("wechat-bill-trade-all-sample")
        sample = Data(vector["inputs"]["file_utf8"].string.utf8)
        expected = vector["expected"]
    }

    @Test func publishedSampleParsesAndReconcilesWithItsSummary() throws {
        #expect(Hex.encode(try DigestAlgorithm.sha1.hash(Array(sample))) == expected["sha1_hex_of_file_bytes"].string)
        let (records, summary) = try WeChatPayBillParser.parse(sample)
        #expect(records.count == 45)
        #expect(summary == .init(count: 45, paymentAmount: Amount(fen: 47), refundAmount: Amount(fen: 14), fee: Amount(fen: 8)))
        #expect(records.filter { $0.kind == .refund }.count == 14)
        let refund = try #require(records.first)
        #expect(refund.kind == .refund)
        #expect(refund.outTradeNo == "autotest_20190216081946_82335")
        #expect(refund.channelTradeNo == "4200000263201902167700134212")
        #expect(refund.outRefundNo == "REF4200000263201902167700963919")
        #expect(refund.channelRefundNo == "50000709672019011908420787722")
        #expect(refund.amount == Amount(fen: 1))
        #expect(refund.status == "SUCCESS")
        #expect(refund.time == BeijingTime.parse("2019-02-19 05:01:46"))
        let payment = records[2]
        #expect(payment.kind == .payment)
        #expect(payment.amount == Amount(fen: 3))
        #expect(payment.fee == Amount(fen: 1))
        #expect(payment.outRefundNo == nil)
    }

    /// 商品名称 and 商户数据包 are the merchant's own text and may hold commas: WeChat Pay writes
    /// every field after a backtick (wechatpay-apiv3/wechatpay-php `tests/fixtures/bill.ALL.csv`), so a
    /// field ends only at a comma followed by a backtick (or the line's end), as public hospital-side
    /// parsers split it (on ",`"). The published sample with commas written into those columns of
    /// every row parses to the same records.
    @Test func commasInsideFreeTextDoNotSplitTheRow() throws {
        let text = String(decoding: sample, as: UTF8.self)
        let withCommas = text.replacingOccurrences(of: ",`系统拨测-", with: ",`系统拨测,门诊,西药-").replacingOccurrences(of: ",`,`0.0", with: ",`attach,a=1,b=2,`0.0")
        #expect(withCommas.components(separatedBy: "系统拨测,门诊,西药").count > 20)
        let plain = try WeChatPayBillParser.parse(sample)
        let commas = try WeChatPayBillParser.parse(Data(withCommas.utf8))
        #expect(commas.records == plain.records && commas.summary == plain.summary)
        // A row that really has a field too many (a comma before a backtick) is still refused.
        let extra = text.replacingOccurrences(of: ",`ORIGINAL,", with: ",`ORIGINAL,`EXTRA,")
        #expect(throws: ChannelError.self) { try WeChatPayBillParser.parse(Data(extra.utf8)) }
    }

    @Test func streamsFromAFileInBoundedChunks() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bill-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        try sample.write(to: url)
        var count = 0
        let summary = try WeChatPayBillParser.parse(lines: LineReader(fileURL: url)) { _ in count += 1 }
        #expect(count == 45)
        #expect(summary.count == 45)
    }

    @Test func truncatedFileIsAnErrorNotAShortList() {
        let text = String(decoding: sample, as: UTF8.self)
        let cut = String(text[..<text.range(of: "总交易单数")!.lowerBound])
        #expect(throws: ChannelError(.invalidResponse, reason: "")) { try WeChatPayBillParser.parse(Data(cut.utf8)) }
        let midRow = String(text.prefix(900))
        #expect(throws: ChannelError(.invalidResponse, reason: "")) { try WeChatPayBillParser.parse(Data(midRow.utf8)) }
    }

    @Test func inconsistentSummaryOrBadAmountIsAnError() {
        let text = String(decoding: sample, as: UTF8.self)
        let wrongTotal = text.replacingOccurrences(of: "`45.0,`0.47,", with: "`45.0,`0.48,")
        #expect(wrongTotal != text)
        do {
            _ = try WeChatPayBillParser.parse(Data(wrongTotal.utf8))
            Issue.record("a wrong summary must fail")
        } catch {
            #expect(error.reason.contains("应结订单总金额 0.48"))
        }
        let badAmount = text.replacingOccurrences(of: "`NATIVE,`SUCCESS,`OTHERS,`CNY,`0.03,", with: "`NATIVE,`SUCCESS,`OTHERS,`CNY,`abc,")
        #expect(badAmount != text)
        #expect(throws: ChannelError(.invalidResponse, reason: "")) { try WeChatPayBillParser.parse(Data(badAmount.utf8)) }
    }

    @Test func columnVariantWithoutCouponAndFeeRateColumnsParses() throws {
        let bill = """
            \u{FEFF}交易时间,公众账号ID,商户号,子商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,商品名称,商户数据包,手续费,费率\r
            `2026-11-21 08:01:02,`wx2421b1c4370ec43b,`1900000001,`,`,`4200002026112112345678,`REG20261121001,`oUpF8uMuAJO,`NATIVE,`SUCCESS,`OTHERS,`CNY,`12.30,`0.00,`门诊挂号,`,`0.07000,`0.60%\r
            总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\r
            `1,`12.30,`0.00,`0.00,`0.07000,`12.30,`0.00\r

            """
        let (records, summary) = try WeChatPayBillParser.parse(Data(bill.utf8))
        #expect(records.map(\.amount) == [Amount(fen: 1230)])
        #expect(summary.fee == Amount(fen: 7))
    }
}
