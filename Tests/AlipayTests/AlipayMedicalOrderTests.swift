import Alipay
import Foundation
import HISPayCore
import HISPayService
import HISPayStore
import HISPayTestSupport
import HISPayTesting
import MedicalInsurance
import Testing

/// `alipay.commerce.medical.payment.createandpay`: the split checked before sending, the exact
/// biz_content, the pay page, and a business refusal.
@Suite struct AlipayMedicalOrderTests {
    static func order(cash: Int64 = 4200) -> AlipayMedicalOrder {
        AlipayMedicalOrder(
            outTradeNo: "MZ20261122001", medOrgOrd: "1217752501201", payOrderID: "ORD440100202611221000000001",
            payAuthNo: "AUTH440100202611220959000001", buyer: .userID("2088102146225135"), total: Amount(fen: 20_000),
            fund: Amount(fen: 10_000), personalAccount: Amount(fen: 4500), other: Amount(fen: 1300), cash: Amount(fen: cash),
            institutionCode: "H44010600001", institutionName: "广州市第一人民医院", cityCode: "440100",
            createdAt: Date(timeIntervalSince1970: 1_795_312_790))
    }

    static let biz = #"{"account_amount":"45.00","alipay_user_id":"2088102146225135","gmt_out_create":"2026-11-22 09:59:50","gov_amount":"100.00","med_org_ord":"1217752501201","merchant_name":"广州市第一人民医院","org_no":"H44010600001","other_amount":"13.00","out_trade_no":"MZ20261122001","pay_auth_no":"AUTH440100202611220959000001","pay_order_id":"ORD440100202611221000000001","payment_city_code":"440100","real_amount":"42.00","total_amount":"200.00"}"#

    @Test func acceptedOrderIsPendingOnAlipaysPayPage() async throws {
        var script = try AlipayScript()
        try script.expect(
            "alipay.commerce.medical.payment.createandpay", biz: Self.biz, notify: true,
            answer: #"{"code":"10000","msg":"Success","data":{"chnl_ord_sn":"2026112200001","med_org_ord":"1217752501201","out_trade_no":"MZ20261122001","pay_order_id":"ORD440100202611221000000001","pay_url":"https://render.alipay.com/p/yuyan/180020010001196791/medical.html?orderId=2026112200001","status":"CREATED"}}"#)
        let (channel, replay) = try script.channel()
        let outcome = try await channel.createMedicalPayment(Self.order())
        #expect(outcome.kind == .pending)
        #expect(outcome.value?.amount == Amount(fen: 4200))
        #expect(outcome.value?.transactionID == "2026112200001")
        #expect(outcome.value?.payerAction == .redirect("https://render.alipay.com/p/yuyan/180020010001196791/medical.html?orderId=2026112200001"))
        try replay.verifyAllUsed()
    }

    @Test func businessRefusalIsAFailure() async throws {
        var script = try AlipayScript()
        try script.expect(
            "alipay.commerce.medical.payment.createandpay", biz: Self.biz, notify: true,
            answer: #"{"code":"10000","msg":"Success","result_code":"PAY_AUTH_NO_EXPIRED","error_message":"授权码已失效"}"#)
        let (channel, _) = try script.channel()
        let outcome = try await channel.createMedicalPayment(Self.order())
        #expect(outcome.kind == .failure)
        #expect(outcome.status.code == "PAY_AUTH_NO_EXPIRED")
    }

    @Test func answerForAnotherOrderIsRefused() async throws {
        var script = try AlipayScript()
        try script.expect(
            "alipay.commerce.medical.payment.createandpay", biz: Self.biz, notify: true,
            answer: #"{"code":"10000","msg":"Success","data":{"out_trade_no":"MZ20261122999","pay_url":"https://render.alipay.com/x"}}"#)
        let (channel, _) = try script.channel()
        let error = await #expect(throws: ChannelError.self) { try await channel.createMedicalPayment(Self.order()) }
        #expect(error?.code == .invalidResponse)
    }

    @Test func splitThatDoesNotAddUpIsRefusedBeforeSending() async throws {
        let (channel, replay) = try AlipayScript().channel()
        let error = await #expect(throws: ChannelError.self) { try await channel.createMedicalPayment(Self.order(cash: 4201)) }
        #expect(error?.code == .invalidRequest)
        #expect(error?.reason.contains("¥200.00 ≠ gov + account + other + real = ¥200.01") == true)
        try replay.verifyAllUsed()
    }
}

/// The medical order as the cash leg of a mobile-pay checkout: placed with the centre's order and
/// split, followed by `alipay.trade.query`, its cash part refunded once.
@Suite struct AlipayMedicalCashLegTests {
    let order = MobilePayOrder(
        billID: "1217752501201", payOrderID: "ORD440100202611221000000001", payToken: "TK1", payAuthNo: "AUTH440100202611220959000001",
        split: SettlementResult(total: Amount(fen: 20_000), fundPay: Amount(fen: 10_000), personalPart: Amount(fen: 10_000), accountPay: Amount(fen: 4500), cashPay: Amount(fen: 5500)),
        cashOrderNo: "MZ20261122001", subject: "门诊缴费")

    func leg(_ script: AlipayScript) throws -> (AlipayMedicalCashLeg, ReplayTransport) {
        let (channel, replay) = try script.channel()
        let details = AlipayMedicalCashLeg.Details(buyer: .userID("2088102146225135"), institutionCode: "H44010600001", institutionName: "广州市第一人民医院", cityCode: "440100")
        return (AlipayMedicalCashLeg(channel: channel, details: details, time: ManualTimeSource(script.now)), replay)
    }

    @Test func placesQueriesAndRefundsTheCashPartOnce() async throws {
        var script = try AlipayScript()
        try script.expect(
            "alipay.commerce.medical.payment.createandpay",
            biz: #"{"account_amount":"45.00","alipay_user_id":"2088102146225135","gmt_out_create":"2026-11-22 10:00:00","gov_amount":"100.00","med_org_ord":"1217752501201","merchant_name":"广州市第一人民医院","org_no":"H44010600001","other_amount":"0.00","out_trade_no":"MZ20261122001","pay_auth_no":"AUTH440100202611220959000001","pay_order_id":"ORD440100202611221000000001","payment_city_code":"440100","real_amount":"55.00","total_amount":"200.00"}"#,
            notify: true,
            answer: #"{"code":"10000","msg":"Success","data":{"chnl_ord_sn":"2026112200001","out_trade_no":"MZ20261122001","pay_url":"https://render.alipay.com/p/yuyan/180020010001196791/medical.html?orderId=2026112200001","status":"CREATED"}}"#)
        try script.expect(
            "alipay.trade.query", biz: #"{"out_trade_no":"MZ20261122001"}"#,
            answer: #"{"code":"10000","msg":"Success","out_trade_no":"MZ20261122001","trade_no":"2026112222001455611000054321","trade_status":"TRADE_SUCCESS","total_amount":"55.00"}"#)
        try script.expect(
            "alipay.trade.fastpay.refund.query", biz: #"{"out_request_no":"MZ20261122001R","out_trade_no":"MZ20261122001","query_options":["gmt_refund_pay"]}"#,
            answer: #"{"code":"10000","msg":"Success","out_request_no":"MZ20261122001R","out_trade_no":"MZ20261122001"}"#)
        try script.expect(
            "alipay.trade.refund", biz: #"{"out_request_no":"MZ20261122001R","out_trade_no":"MZ20261122001","refund_amount":"55.00","refund_reason":"退费"}"#,
            answer: #"{"code":"10000","msg":"Success","fund_change":"Y","gmt_refund_pay":"2026-11-22 10:00:02","out_trade_no":"MZ20261122001","refund_fee":"55.00","trade_no":"2026112222001455611000054321"}"#)
        let (leg, replay) = try leg(script)
        let placed = try await leg.place(order)
        #expect(placed.kind == .pending)
        #expect(placed.value?.payerAction == .redirect("https://render.alipay.com/p/yuyan/180020010001196791/medical.html?orderId=2026112200001"))
        #expect(try await leg.query(order).kind == .success)
        let refunded = try await leg.refund(order, refundNo: "MZ20261122001R")
        #expect(refunded.kind == .success && refunded.value?.amount == Amount(fen: 5500))
        try replay.verifyAllUsed()
    }
}
