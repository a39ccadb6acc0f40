import Foundation
import HISPayCore
import HISPayCrypto
import HISPayTestSupport
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

/// Answers every request with one response and keeps what was sent, for requests whose bytes are
/// randomized (RSA-OAEP fields) and so cannot be replayed from a cassette.
private final class CapturingTransport: HTTPTransport {
    private let answer: HTTPResponse
    private let sent = Mutex<[HTTPRequest]>([])
    init(answer: HTTPResponse) { self.answer = answer }
    var requests: [HTTPRequest] { sent.withLock { $0 } }
    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        sent.withLock { $0.append(request) }
        return answer
    }
}
