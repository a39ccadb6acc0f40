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
    /// The SUCCESS layout (no refund columns) as binarywang/WxJava's WxPayBillResultTest gives it
    /// (`PAY_BILL_RESULT_SUCCESS_CONTENT`: header, row shape and summary columns; its row's masked ids
    /// filled in and the summary made to agree with the one row).
    @Test func theSuccessLayoutParses() throws {
        let bill = """
            交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,商品名称,商户数据包,手续费,费率,订单金额,费率备注
            `2019-07-23 18:46:41,`wx2421b1c4370ec43b,`1900000001,`0,`,`4200000345201907235364391782,`REG20190723001,`oUpF8uMuAJO,`JSAPI,`SUCCESS,`CFT,`CNY,`0.01,`0.00,`门诊缴费,`,`0.00000,`0.60%,`0.01,`
            总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额
            `1,`0.01,`0.00,`0.00,`0.00000,`0.01,`0.00
            """
        let (records, summary) = try WeChatPayBillParser.parse(Data(bill.utf8))
        #expect(records.map(\.kind) == [.payment] && records.first?.amount == Amount(fen: 1) && records.first?.outTradeNo == "REG20190723001")
        #expect(summary == .init(count: 1, paymentAmount: Amount(fen: 1), refundAmount: .zero, fee: .zero))
    }

    /// The REFUND layout (refund request and success times; the settled amount 0.00; refunds give the
    /// fee back as a negative 手续费 — WxJava's sample summary states 手续费总金额 `-0.02000`).
    @Test func theRefundLayoutParsesWithNegativeFees() throws {
        let bill = """
            交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,退款申请时间,退款成功时间,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注
            `2019-07-23 20:53:36,`wx2421b1c4370ec43b,`1900000001,`0,`,`4200000345201907235364391782,`REG20190723001,`oUpF8uMuAJO,`JSAPI,`REFUND,`CFT,`CNY,`0.00,`0.00,`2019-07-23 20:53:36,`2019-07-23 20:53:40,`50300000012019072300000000001,`RF20190723001,`1.01,`0.00,`ORIGINAL,`SUCCESS,`门诊退费,`,`-0.01000,`0.60%,`0.00,`1.01,`
            `2019-07-23 21:10:02,`wx2421b1c4370ec43b,`1900000001,`0,`,`4200000345201907235364391799,`REG20190723002,`oUpF8uMuAJO,`JSAPI,`REFUND,`CFT,`CNY,`0.00,`0.00,`2019-07-23 21:10:02,`2019-07-23 21:10:05,`50300000012019072300000000002,`RF20190723002,`1.01,`0.00,`ORIGINAL,`SUCCESS,`门诊退费,`,`-0.01000,`0.60%,`0.00,`1.01,`
            总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额
            `2,`0.00,`2.02,`0.00,`-0.02000,`0.00,`2.02
            """
        let (records, summary) = try WeChatPayBillParser.parse(Data(bill.utf8))
        #expect(records.map(\.kind) == [.refund, .refund])
        #expect(records.map(\.outRefundNo) == ["RF20190723001", "RF20190723002"] && records.map(\.amount) == [Amount(fen: 101), Amount(fen: 101)])
        #expect(records.first?.fee == Amount(fen: -1) && records.first?.status == "SUCCESS")
        #expect(summary == .init(count: 2, paymentAmount: .zero, refundAmount: Amount(fen: 202), fee: Amount(fen: -2)))
    }

    /// The earlier column names (总金额, 企业红包金额; summary 总交易额, 总退款金额): a REFUND bill as a
    /// public payment service's downloadbill test holds it (`responseFefundData`, 2018 — repository not
    /// identified by the index), three refunds of 0.01 agreeing with their summary.
    @Test func theEarlierColumnNamesParse() throws {
        let bill = """
            交易时间,公众账号ID,商户号,子商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,总金额,企业红包金额,退款申请时间,退款成功时间,微信退款单号,商户退款单号,退款金额,企业红包退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率
            `2018-08-20 14:40:09,`wx34723380b2d8a699,`1510598081,`1511458511,`,`4200000145201808202300523655,`2018082010,`oDodT0XcpFfrHVR9Kc_VgpFOj8lQ,`NATIVE,`REFUND,`CFT,`CNY,`0.00,`0.00,`2018-08-21 18:13:10,`2018-08-21 18:13:12,`50000707812018082106030155182,`1012413262018082023005236551534846383,`0.01,`0.00,`ORIGINAL,`SUCCESS,`微信下单单元测试-2,`,`0.00000,`1.00%
            `2018-08-20 16:38:50,`wx34723380b2d8a699,`1510598081,`1511458511,`,`4200000153201808209352891155,`2018082012,`oDodT0XcpFfrHVR9Kc_VgpFOj8lQ,`NATIVE,`REFUND,`CFT,`CNY,`0.00,`0.00,`2018-08-21 18:11:13,`2018-08-21 18:11:15,`50000307952018082106030149502,`1012413262018082093528911551534846254,`0.01,`0.00,`ORIGINAL,`SUCCESS,`微信下单开发环境测试,`,`0.00000,`1.00%
            `2018-08-20 16:33:51,`wx34723380b2d8a699,`1510598081,`1511458511,`,`4200000158201808206112598907,`2018082011,`oDodT0XcpFfrHVR9Kc_VgpFOj8lQ,`NATIVE,`REFUND,`CFT,`CNY,`0.00,`0.00,`2018-08-21 18:12:37,`2018-08-21 18:12:38,`50000307862018082106030153581,`1012413262018082061125989071534846349,`0.01,`0.00,`ORIGINAL,`SUCCESS,`微信下单开发环境测试,`,`0.00000,`1.00%
            总交易单数,总交易额,总退款金额,总企业红包退款金额,手续费总金额
            `3,`0.00,`0.03,`0.00,`0.00000
            """
        let (records, summary) = try WeChatPayBillParser.parse(Data(bill.utf8))
        #expect(records.count == 3 && records.allSatisfy { $0.kind == .refund && $0.amount == Amount(fen: 1) })
        #expect(records.first?.outRefundNo == "1012413262018082023005236551534846383")
        #expect(summary == .init(count: 3, paymentAmount: .zero, refundAmount: Amount(fen: 3), fee: .zero))
    }

    /// The fund-flow bill (资金账单) in the layout public merchant code parses (header and summary with
    /// backticks, `收支金额(元)`; 业务类型 交易, 退款, 扣除交易手续费): movements in and out, checked against
    /// the summary; 备注 may hold a comma.
    @Test func theFundFlowBillParsesAndChecksItsSummary() throws {
        let bill = """
            \u{FEFF}`记账时间,`微信支付业务单号,`资金流水单号,`业务名称,`业务类型,`收支类型,`收支金额(元),`账户结余(元),`资金变更提交申请人,`备注,`业务凭证号\r
            `2026-11-22 11:00:00,`4200002026112212345678,`1900000001202611221100000001,`订单入账,`交易,`收入,`39.00,`100.00,`system,`门诊缴费, 挂号,`REG20261122001\r
            `2026-11-22 11:00:00,`4200002026112212345678,`1900000001202611221100000002,`扣除手续费,`扣除交易手续费,`支出,`0.23,`99.77,`system,`,`REG20261122001\r
            `2026-11-22 15:30:00,`50300000012026112200000000001,`1900000001202611221530000003,`退款,`退款,`支出,`10.00,`89.77,`system,`部分退费,`RF20261122001\r
            `资金流水总笔数,`收入笔数,`收入金额,`支出笔数,`支出金额\r
            `3,`1,`39.00,`2,`10.23\r

            """
        let (records, summary) = try WeChatPayFundFlowBillParser.parse(Data(bill.utf8))
        #expect(records.map(\.type) == ["交易", "扣除交易手续费", "退款"])
        #expect(records.map(\.isIncome) == [true, false, false] && records.map(\.amount) == [Amount(fen: 3900), Amount(fen: 23), Amount(fen: 1000)])
        #expect(records.first?.note == "门诊缴费, 挂号" && records.last?.voucherNo == "RF20261122001" && records.last?.balance == Amount(fen: 8977))
        #expect(summary == .init(count: 3, incomeCount: 1, incomeAmount: Amount(fen: 3900), expenseCount: 2, expenseAmount: Amount(fen: 1023)))
        let wrong = bill.replacingOccurrences(of: "`3,`1,`39.00,`2,`10.23", with: "`3,`1,`39.00,`2,`10.24")
        #expect(throws: ChannelError(.invalidResponse, reason: "")) { try WeChatPayFundFlowBillParser.parse(Data(wrong.utf8)) }
        let truncated = bill.components(separatedBy: "\r\n").prefix(3).joined(separator: "\r\n")
        #expect(throws: ChannelError(.invalidResponse, reason: "")) { try WeChatPayFundFlowBillParser.parse(Data(truncated.utf8)) }
    }
}
