import Foundation
import HISPayCore
import HISPayCrypto
import HISPayTestSupport
import MedicalInsurance
import Testing

/// 6201–6401 replayed with randomized SM2 signatures: the matcher compares each request's sign text
/// and verifies its signature instead of comparing bytes.
@Suite struct MobilePayClientTests {
    let keys: MobilePayEnvelopeTests
    let now = Date(timeIntervalSince1970: 1_795_312_800)
    let gateway = "https://mobile.example.gov.cn/org/local/api/hos"

    init() throws { keys = try MobilePayEnvelopeTests() }

    var matcher: SignedRequestMatcher {
        let platform = keys.platform
        let hospital = keys.hospital
        return SignedRequestMatcher(
            extract: { request in
                guard let body = request.body?.data, let envelope = ConfigValue.decode(body)?.objectValue,
                    let encData = envelope["encData"]?.text, let signature = envelope["signData"]?.text.flatMap({ try? Base64.decode($0) }),
                    let timestamp = envelope["timestamp"]?.text
                else { return nil }
                // The platform side decrypts to rebuild the sign text.
                guard let opened = try? MobilePayEnvelopeTests.decryptOnly(encData, credentials: platform) else { return nil }
                return (MobilePayEnvelope.signText(appID: hospital.appID, data: opened, timestamp: timestamp, appSecret: "F30D0D261BA04063A0BCAEF19F8ADBCC"), signature)
            },
            verify: { text, signature in
                (try? platform.platformPublicKey.verifySM2Signature(signature, for: Array(text.utf8), encoding: .raw)) != nil
            })
    }

    /// One exchange: the data the hospital sends and the data the platform answers.
    func interaction(_ api: String, request: ConfigValue, answer: ConfigValue, code: String = "0") throws -> Cassette.Interaction {
        let sealed = try MobilePayEnvelope.seal(request, credentials: keys.hospital, timestamp: "1795312800000")
        var recorded = Cassette.Request(HTTPRequest(method: "POST", url: "\(gateway)/\(api)", headers: ["Content-Type": "application/json;charset=utf-8"], body: Data(sealed.envelope.jsonText().utf8)))
        matcher.annotate(&recorded)
        return Cassette.Interaction(request: recorded, response: Cassette.Response(try keys.reply(answer, code: code)))
    }

    @Test func uploadOrderQueryRefundAndUndoRoundTrip() async throws {
        let upload = ConfigValue.object(["medOrgOrd": .string("REG20261122001"), "payAuthNo": .string("AUTH000001"), "medfeeSumamt": .number("123.40")])
        let order = ConfigValue.object(["payOrdId": .string("ORD20261122001"), "payToken": .string("TOKEN0001"), "payAuthNo": .string("AUTH000001")])
        let query = ConfigValue.object(["payOrdId": .string("ORD20261122001")])
        let refund = ConfigValue.object(["payOrdId": .string("ORD20261122001"), "totlRefdAmt": .number("123.40"), "cashRefdAmt": .number("23.40")])
        let cassette = Cassette(name: "mobile-pay", interactions: [
            try interaction("6201", request: upload, answer: .object(["payOrdId": .string("ORD20261122001"), "payToken": .string("TOKEN0001")])),
            try interaction("6202", request: order, answer: .object(["payOrdId": .string("ORD20261122001"), "ordStas": .string("6"), "fundPay": .number("70.00"), "psnAcctPay": .number("30.00"), "ownpayAmt": .number("23.40")])),
            try interaction("6301", request: query, answer: .object(["payOrdId": .string("ORD20261122001"), "ordStas": .string("6")])),
            try interaction("6203", request: refund, answer: .object(["payOrdId": .string("ORD20261122001"), "refStatus": .string("SUCC")])),
            try interaction("6401", request: query, answer: .object(["payOrdId": .string("ORD20261122001")]), code: "-1"),
        ])
        let replay = ReplayTransport(cassette: cassette, matcher: matcher)
        let client = MobilePayClient(credentials: keys.hospital, gateway: gateway, transport: replay, time: ManualTimeSource(now))
        #expect(try await client.uploadFees(upload).objectValue["payToken"] == .string("TOKEN0001"))
        #expect(try await client.placeOrder(order).objectValue["fundPay"] == .number("70.00"))
        #expect(try await client.queryOrder(query).objectValue["ordStas"] == .string("6"))
        #expect(try await client.refund(refund).objectValue["refStatus"] == .string("SUCC"))
        await #expect(throws: ChannelError(.invalidRequest, reason: "")) { try await client.undoUpload(query) }
        try replay.verifyAllUsed()
    }

    @Test func settlementNotificationIsVerifiedDecryptedAndAcknowledged() throws {
        let data = ConfigValue.object([
            "payOrdId": .string("ORD20261122001"), "medOrgOrd": .string("REG20261122001"), "ordStas": .string("6"), "medfeeSumamt": .number("123.40"),
            "setlTime": .string("2026-11-22 10:00:05"),
        ])
        let envelope = try MobilePayEnvelope.seal(data, credentials: keys.platform, timestamp: "1795312805000").envelope
        let handler = MobilePayNotificationHandler(credentials: keys.hospital)
        let verified = try handler.handle(CallbackRequest(path: "/notify/insurance", body: Data(envelope.jsonText().utf8)))
        #expect(verified.event.kind == .insuranceSettled)
        #expect(verified.event.outTradeNo == "REG20261122001")
        #expect(verified.event.amount == Amount(fen: 12_340))
        #expect(verified.acknowledgement.text.contains(#""code":0"#))
        var tampered = envelope.objectValue
        tampered["appId"] = .string("SOMEONEELSE")
        #expect(throws: ChannelError(.callbackRejected, reason: "")) { try handler.handle(CallbackRequest(path: "/", body: Data(ConfigValue.object(tampered).jsonText().utf8))) }
    }
}

extension MobilePayEnvelopeTests {
    /// The centre's answer: `answer` sealed with the platform's keys, with `code` (0 = success).
    func reply(_ answer: ConfigValue, code: String = "0") throws -> HTTPResponse {
        var reply = try MobilePayEnvelope.seal(answer, credentials: platform, timestamp: "1795312800500").envelope.objectValue
        reply["code"] = .number(code)
        reply["message"] = .string(code == "0" ? "成功" : "失败")
        reply["success"] = .bool(code == "0")
        return HTTPResponse(status: 200, body: Data(ConfigValue.object(reply).jsonText().utf8))
    }

    /// Decrypts an envelope's `encData` without verifying (what the platform does before checking the signature).
    static func decryptOnly(_ encData: String, credentials: MobilePayCredentials) throws -> ConfigValue {
        let key = Array(Hex.encode(try BlockCipher(.sm4ECB, key: Array(credentials.appID.utf8.prefix(16))).encrypt(Array("F30D0D261BA04063A0BCAEF19F8ADBCC".utf8)), uppercase: true).utf8.prefix(16))
        let plain = try BlockCipher(.sm4ECB, key: key).decrypt(Hex.decode(encData))
        return try #require(ConfigValue.decode(Data(plain)))
    }
}
