import Foundation
import HISPayCore
import HISPayCrypto
import HISPayService
import HISPayStore
import HISPayTestSupport
import HISPayTesting
import MedicalInsurance
import Synchronization
import Testing
import WeChatPay

/// The medical-insurance mixed order (`/v3/med-ins/orders`): split identities from the published
/// example, the encrypted patient fields, and the three-part status.
@Suite struct WeChatMedInsTests {
    /// The split of the published `/v3/med-ins/orders` request example.
    static func publishedSplit() throws -> WeChatMedInsSplit {
        let inputs = try Fixtures.vector("wechat-medins-amount-identity")["inputs"]
        func fen(_ value: ConfigValue) -> Amount { Amount(fen: Int64(value.int ?? -1)) }
        func fen(_ key: String) -> Amount { fen(inputs[key]) }
        let add = inputs["cash_add_detail"][0], reduce = inputs["cash_reduce_detail"][0]
        return WeChatMedInsSplit(
            total: fen("total_fee"), fund: fen("med_ins_gov_fee"), personalAccount: fen("med_ins_self_fee"),
            other: fen("med_ins_other_fee"), insuranceCash: fen("med_ins_cash_fee"), wechatPayCash: fen("wechat_pay_cash_fee"),
            cashAdd: [.init(type: add["cash_add_type"].string, amount: fen(add["cash_add_fee"]))],
            cashReduce: [.init(type: reduce["cash_reduce_type"].string, amount: fen(reduce["cash_reduce_fee"]))])
    }

    static func order(split: WeChatMedInsSplit, prepayID: String? = "wx201410272009395522657a690389285100") -> WeChatMedInsOrder {
        WeChatMedInsOrder(
            mixPayType: .cashAndInsurance, orderType: "DIAG_PAY", openID: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
            payer: .init(name: "张三", idNumber: "44010619900101123x"), outTradeNo: "MZ20261122001", serialNo: "1217752501201",
            payOrderID: "ORD440100202611221000000001", payAuthNo: "AUTH440100202611220959000001", geoLocation: "113.264385,23.129112",
            cityID: "440100", institutionName: "广州市第一人民医院", institutionCode: "H44010600001", split: split,
            callbackURL: "https://his.example/notify/wechatpay-medins", prepayID: prepayID,
            passthroughRequestContent: #"{"payAuthNo":"AUTH440100202611220959000001","payOrdId":"ORD440100202611221000000001","setlLatlnt":"113.264385,23.129112"}"#)
    }

    @Test func publishedSplitSatisfiesBothIdentities() throws {
        try Self.publishedSplit().validate()
    }

    @Test func splitThatDoesNotAddUpNamesTheBrokenIdentity() throws {
        let good = try Self.publishedSplit()
        let wrongTotal = WeChatMedInsSplit(
            total: Amount(fen: good.total.fen + 1), fund: good.fund, personalAccount: good.personalAccount, other: good.other,
            insuranceCash: good.insuranceCash, wechatPayCash: good.wechatPayCash, cashAdd: good.cashAdd, cashReduce: good.cashReduce)
        let totalError = #expect(throws: ChannelError.self) { try wrongTotal.validate() }
        #expect(totalError?.code == .invalidRequest)
        #expect(totalError?.reason.contains("total_fee 202001") == true)
        let noFreight = WeChatMedInsSplit(
            total: good.total, fund: good.fund, personalAccount: good.personalAccount, other: good.other,
            insuranceCash: good.insuranceCash, wechatPayCash: good.wechatPayCash, cashReduce: good.cashReduce)
        let cashError = #expect(throws: ChannelError.self) { try noFreight.validate() }
        #expect(cashError?.reason.contains("wechat_pay_cash_fee 42000") == true)
        let huge = WeChatMedInsSplit(
            total: good.total, fund: Amount(fen: .max), personalAccount: good.personalAccount, insuranceCash: .zero, wechatPayCash: .zero)
        let overflow = #expect(throws: ChannelError.self) { try huge.validate() }
        #expect(overflow?.reason.contains("overflow") == true)
    }

    @Test func printingAnOrderNeverShowsThePatient() throws {
        let order = Self.order(split: try Self.publishedSplit())
        for text in [String(describing: order), String(reflecting: order), "\(order.payer)"] {
            #expect(!text.contains("44010619900101123x") && !text.contains("张三"))
        }
    }

    @Test func cashLegWithoutPrepaymentIsRefusedBeforeSending() throws {
        let error = #expect(throws: ChannelError.self) { try Self.order(split: try Self.publishedSplit(), prepayID: nil).validate() }
        #expect(error?.reason.contains("prepay_id") == true)
    }

    @Test func rsaOAEPRoundTripsAndRefusesTheWrongKey() throws {
        let keys = try WeChatPayTestKeys()
        let sealed = try RSAOAEP.encrypt(Array("张三".utf8), to: try keys.platformCertificate.publicKey)
        #expect(sealed.count == 256)
        #expect(try RSAOAEP.decrypt(sealed, with: keys.platformKey) == Array("张三".utf8))
        #expect(try RSAOAEP.encrypt(Array("张三".utf8), to: try keys.platformCertificate.publicKey) != sealed)
        let merchantKey = try WeChatPayScript().merchantKey
        let error = #expect(throws: CryptoError.self) { try RSAOAEP.decrypt(sealed, with: merchantKey) }
        #expect(error?.code == .decryptionFailed)
    }

    @Test func placingAnOrderEncryptsThePatientAndSendsTheSplit() async throws {
        let script = try WeChatPayScript()
        let created = #"{"mix_trade_no":"1217752501201407033233368318","mix_pay_status":"MIX_PAY_CREATED","self_pay_status":"SELF_PAY_CREATED","med_ins_pay_status":"MED_INS_PAY_CREATED"}"#
        let answer = try script.response(status: 200, body: Data(created.utf8), sign: true, at: script.keys.now)
        let transport = CapturingTransport(answer: answer)
        let channel = WeChatPayV3Channel(
            configuration: try script.configuration(), transport: transport, time: ManualTimeSource(script.keys.now), nonces: ScriptedNonceSource())

        let outcome = try await channel.placeMedInsOrder(Self.order(split: try Self.publishedSplit()))

        #expect(outcome.kind == .pending)
        #expect(outcome.value?.mixTradeNo == "1217752501201407033233368318")
        #expect(outcome.value?.medInsPayStatus == "MED_INS_PAY_CREATED")
        let sent = try #require(transport.requests.first)
        #expect(sent.url == "https://api.mch.weixin.qq.com/v3/med-ins/orders")
        #expect(sent.headers["Wechatpay-Serial"] == script.keys.platformCertificate.serialNumberHex)
        let text = try #require(String(validating: sent.body, as: UTF8.self))
        #expect(!text.contains("44010619900101123") && !text.contains("张三"))
        let body = try #require(try JSONSerialization.jsonObject(with: sent.body) as? [String: Any])
        #expect(body["total_fee"] as? Int == 202000 && body["wechat_pay_cash_fee"] as? Int == 42000)
        #expect(body["med_ins_gov_fee"] as? Int == 100000 && body["med_ins_self_fee"] as? Int == 45000)
        #expect(body["appid"] as? String == "wx2421b1c4370ec43b" && body["openid"] as? String == "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o")
        #expect((body["cash_add_detail"] as? [[String: Any]])?.first?["cash_add_type"] as? String == "FREIGHT")
        let payer = try #require(body["payer"] as? [String: String])
        func opened(_ field: String) throws -> String {
            String(decoding: try RSAOAEP.decrypt(try Base64.decode(payer[field] ?? ""), with: script.keys.platformKey), as: UTF8.self)
        }
        #expect(try opened("name") == "张三")
        let digest = Hex.encode(try DigestAlgorithm.md5.hash("44010619900101123X"))
        #expect(try opened("id_digest") == digest)
    }

    @Test func queryReturnsTheCheckedSplitAndRefusesOneThatDoesNotAddUp() async throws {
        let paid = #"{"mix_trade_no":"1217752501201407033233368318","out_trade_no":"MZ20261122001","mix_pay_status":"MIX_PAY_SUCCESS","self_pay_status":"SELF_PAY_SUCCESS","med_ins_pay_status":"MED_INS_PAY_SUCCESS","paid_time":"2026-11-22T09:59:30+08:00","total_fee":202000,"med_ins_gov_fee":100000,"med_ins_self_fee":45000,"med_ins_other_fee":5000,"med_ins_cash_fee":50000,"wechat_pay_cash_fee":42000,"cash_add_detail":[{"cash_add_fee":2000,"cash_add_type":"FREIGHT"}],"cash_reduce_detail":[{"cash_reduce_fee":10000,"cash_reduce_type":"DEFAULT_REDUCE_TYPE"}]}"#
        var script = try WeChatPayScript()
        try script.expect("GET", "/v3/med-ins/orders/out-trade-no/MZ20261122001", answer: paid)
        try script.expect("GET", "/v3/med-ins/orders/mix-trade-no/1217752501201407033233368318", answer: paid.replacingOccurrences(of: #""med_ins_gov_fee":100000"#, with: #""med_ins_gov_fee":100100"#))
        try script.expect("GET", "/v3/med-ins/orders/out-trade-no/MZ20261122001", answer: paid.replacingOccurrences(of: #""med_ins_other_fee":5000"#, with: #""med_ins_other_fee":5000.5"#))
        let (channel, replay) = try script.channel()

        let outcome = try await channel.queryMedInsOrder(outTradeNo: "MZ20261122001")
        #expect(outcome.kind == .success)
        #expect(outcome.value?.split == (try Self.publishedSplit()))
        #expect(outcome.value?.paidAt == Date(timeIntervalSince1970: 1_795_312_770))
        let error = await #expect(throws: ChannelError.self) { try await channel.queryMedInsOrder(mixTradeNo: "1217752501201407033233368318") }
        #expect(error?.code == .invalidResponse)
        #expect(error?.reason.contains("total_fee 202000") == true)
        let fraction = await #expect(throws: ChannelError.self) { try await channel.queryMedInsOrder(outTradeNo: "MZ20261122001") }
        #expect(fraction?.reason.contains("med_ins_other_fee is not a whole number of fen") == true)
        try replay.verifyAllUsed()
    }

    @Test func refundNoticeIsSentOnceTheSplitAddsUp() async throws {
        var script = try WeChatPayScript()
        let notice = WeChatMedInsRefundNotice(
            mixTradeNo: "1217752501201407033233368318", outRefundNo: "RMZ20261122001", total: Amount(fen: 45000),
            fund: Amount(fen: 45000), personalAccount: .zero, refundedAt: script.keys.now)
        let body = #"{"med_refund_gov_fee":45000,"med_refund_other_fee":0,"med_refund_self_fee":0,"med_refund_total_fee":45000,"out_refund_no":"RMZ20261122001","refund_time":"2026-11-22T10:00:00+08:00"}"#
        try script.expect("POST", "/v3/med-ins/refunds/notify?mix_trade_no=1217752501201407033233368318", body: body, status: 204)
        try script.expect(
            "POST", "/v3/med-ins/refunds/notify?mix_trade_no=1217752501201407033233368318", body: body, status: 400,
            answer: #"{"code":"PARAM_ERROR","message":"退款金额超过可退金额"}"#)
        let (channel, replay) = try script.channel()

        #expect(try await channel.notifyMedInsRefund(notice).kind == .success)
        let refused = try await channel.notifyMedInsRefund(notice)
        #expect(refused.kind == .failure && refused.status.code == "PARAM_ERROR")
        var wrong = notice
        wrong.personalAccount = Amount(fen: 1)
        let error = await #expect(throws: ChannelError.self) { try await channel.notifyMedInsRefund(wrong) }
        #expect(error?.reason.contains("med_refund_total_fee 45000 ≠ gov + self + other = 45001") == true)
        try replay.verifyAllUsed()
    }
}

extension WeChatMedInsTests {
    static let mobilePayOrder = MobilePayOrder(
        billID: "RCPT20261122001", payOrderID: "ORD440100202611221000000001", payToken: "TK1", payAuthNo: "AUTH440100202611220959000001",
        split: SettlementResult(total: Amount(fen: 12_340), fundPay: Amount(fen: 7000), personalPart: Amount(fen: 5340), accountPay: Amount(fen: 3000), cashPay: Amount(fen: 2340)),
        cashOrderNo: "MZ20261122001", subject: "门诊缴费")

    /// A leg on `transport` answering with `bodies` in turn (signed like the gateway's answers).
    fileprivate static func leg(_ bodies: [(Int, String?)]) throws -> (WeChatMedInsCashLeg, CapturingTransport) {
        let script = try WeChatPayScript()
        let answers = try bodies.map { try script.response(status: $0.0, body: $0.1.map { Data($0.utf8) }, sign: true, at: script.keys.now) }
        let transport = CapturingTransport(answers: answers)
        let channel = WeChatPayV3Channel(
            configuration: try script.configuration(), transport: transport, time: ManualTimeSource(script.keys.now), nonces: ScriptedNonceSource())
        let details = WeChatMedInsCashLeg.Details(
            orderType: "DIAG_PAY", payer: JSAPIPayer(surface: .weChatMiniProgram, payerID: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"),
            patient: .init(name: "张三", idNumber: "44010619900101123x"), cityID: "440100", institutionName: "广州市第一人民医院",
            institutionCode: "H44010600001", callbackURL: "https://his.example/notify/wechatpay-medins", geoLocation: "113.264385,23.129112")
        return (WeChatMedInsCashLeg(channel: channel, details: details), transport)
    }

    @Test func mixedOrderLegPrepaysTheCashPartThenPlacesTheCentresOrder() async throws {
        let created = #"{"mix_trade_no":"1217752501201407033233368318","mix_pay_status":"MIX_PAY_CREATED"}"#
        let (leg, transport) = try Self.leg([(200, #"{"prepay_id":"wx201410272009395522657a690389285100"}"#), (200, created)])
        let outcome = try await leg.place(Self.mobilePayOrder)
        #expect(outcome.kind == .pending)
        #expect(outcome.value?.transactionID == "1217752501201407033233368318")
        guard case .jsapiParameters(let parameters)? = outcome.value?.payerAction else { Issue.record("expected JSAPI parameters"); return }
        #expect(parameters["package"] == "prepay_id=wx201410272009395522657a690389285100")
        #expect(transport.requests.map(\.url) == ["https://api.mch.weixin.qq.com/v3/pay/transactions/jsapi", "https://api.mch.weixin.qq.com/v3/med-ins/orders"])
        let prepay = try #require(try JSONSerialization.jsonObject(with: transport.requests[0].body) as? [String: Any])
        #expect((prepay["amount"] as? [String: Any])?["total"] as? Int == 2340 && prepay["out_trade_no"] as? String == "MZ20261122001")
        let body = try #require(try JSONSerialization.jsonObject(with: transport.requests[1].body) as? [String: Any])
        #expect(body["mix_pay_type"] as? String == "CASH_AND_INSURANCE" && body["prepay_id"] as? String == "wx201410272009395522657a690389285100")
        #expect(body["pay_order_id"] as? String == "ORD440100202611221000000001" && body["pay_auth_no"] as? String == "AUTH440100202611220959000001")
        #expect(body["serial_no"] as? String == "RCPT20261122001" && body["out_trade_no"] as? String == "MZ20261122001")
        #expect(body["total_fee"] as? Int == 12_340 && body["med_ins_gov_fee"] as? Int == 7000 && body["med_ins_self_fee"] as? Int == 3000)
        #expect(body["med_ins_cash_fee"] as? Int == 2340 && body["wechat_pay_cash_fee"] as? Int == 2340)
        #expect((body["passthrough_request_content"] as? String)?.contains(#""payOrdId":"ORD440100202611221000000001""#) == true)
    }

    @Test func mixedOrderLegReportsAFailedPrepaymentWithoutPlacingTheOrder() async throws {
        let (leg, transport) = try Self.leg([(400, #"{"code":"PARAM_ERROR","message":"openid不正确"}"#)])
        let outcome = try await leg.place(Self.mobilePayOrder)
        #expect(outcome.kind == .failure && outcome.status.code == "PARAM_ERROR")
        #expect(transport.requests.count == 1)
    }

    @Test func mixedOrderLegRefundsCashThenNotifiesTheInsuranceRefund() async throws {
        let paid = #"{"mix_trade_no":"1217752501201407033233368318","out_trade_no":"MZ20261122001","mix_pay_status":"MIX_PAY_SUCCESS"}"#
        let refund = #"{"refund_id":"50000000382019052709732678859","out_refund_no":"MZ20261122001R","status":"PROCESSING","amount":{"refund":2340,"total":2340,"currency":"CNY"}}"#
        let (leg, transport) = try Self.leg([
            (404, #"{"code":"RESOURCE_NOT_EXISTS","message":"退款单不存在"}"#), (200, refund), (200, paid), (204, nil),
        ])
        let outcome = try await leg.refund(Self.mobilePayOrder, refundNo: "MZ20261122001R")
        #expect(outcome.kind == .success)
        #expect(transport.requests.map { "\($0.method) \($0.url.dropFirst("https://api.mch.weixin.qq.com".count))" } == [
            "GET /v3/refund/domestic/refunds/MZ20261122001R", "POST /v3/refund/domestic/refunds",
            "GET /v3/med-ins/orders/out-trade-no/MZ20261122001", "POST /v3/med-ins/refunds/notify?mix_trade_no=1217752501201407033233368318",
        ])
        let notice = try #require(try JSONSerialization.jsonObject(with: transport.requests[3].body) as? [String: Any])
        #expect(notice["med_refund_total_fee"] as? Int == 10_000 && notice["med_refund_gov_fee"] as? Int == 7000 && notice["med_refund_self_fee"] as? Int == 3000)
        #expect(notice["out_refund_no"] as? String == "MZ20261122001R")
    }
}

/// Answers requests with scripted responses in turn (the last one repeated) and keeps what was
/// sent, for requests whose bytes are randomized (RSA-OAEP fields) and so cannot be replayed from
/// a cassette.
private final class CapturingTransport: HTTPTransport {
    private let answers: [HTTPResponse]
    private let sent = Mutex<[HTTPRequest]>([])
    init(answers: [HTTPResponse]) { self.answers = answers }
    convenience init(answer: HTTPResponse) { self.init(answers: [answer]) }
    var requests: [HTTPRequest] { sent.withLock { $0 } }
    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let index = sent.withLock { sent in
            sent.append(request)
            return sent.count - 1
        }
        return answers[min(index, answers.count - 1)]
    }
}
