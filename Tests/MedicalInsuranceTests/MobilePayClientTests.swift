import Foundation
import HISPayCore
import HISPayCrypto
import HISPayTestSupport
import Logging
import MedicalInsurance
import Synchronization
import Testing
import HISPayTesting

/// 6201–6401 replayed with randomized SM2 signatures: the matcher compares each request's sign text
/// and verifies its signature (under the appSecret as SM2 ID) instead of comparing bytes. Paths as
/// public hospital-side clients post them (`/org/local/api/hos/uldFeeInfo`, `/pay_order`,
/// `/refund_Order`, `/query_order_info`, `/revoke_order`).
@Suite struct MobilePayClientTests {
    let keys: MobilePayTestKeys
    let now = Date(timeIntervalSince1970: 1_795_312_800)
    let gateway = "https://mobile.example.gov.cn"

    init() throws { keys = try MobilePayTestKeys() }

    var matcher: SignedRequestMatcher {
        let platform = keys.platform
        return SignedRequestMatcher(
            extract: { request in
                guard let body = request.body?.data, let envelope = ConfigValue.decode(body)?.objectValue,
                    let encData = envelope["encData"]?.text, let signature = envelope["signData"]?.text.flatMap({ try? Base64.decode($0) })
                else { return nil }
                // The platform side decrypts to rebuild the sign text.
                guard let opened = try? MobilePayTestKeys.decryptOnly(encData, credentials: platform) else { return nil }
                var fields = envelope
                fields["data"] = opened
                return (MobilePayEnvelope.signText(fields, appSecret: "F30D0D261BA04063A0BCAEF19F8ADBCC"), signature)
            },
            verify: { text, signature in
                (try? platform.platformPublicKey.verifySM2Signature(signature, for: Array(text.utf8), identifier: "F30D0D261BA04063A0BCAEF19F8ADBCC", encoding: .raw)) != nil
            })
    }

    /// One exchange: the data the hospital sends and the data the platform answers.
    func interaction(_ path: String, request: ConfigValue, answer: ConfigValue, code: String = "0") throws -> Cassette.Interaction {
        let sealed = try MobilePayEnvelope.seal(request, credentials: keys.hospital, timestamp: "1795312800000")
        var recorded = Cassette.Request(HTTPRequest(method: "POST", url: "\(gateway)/org/local/api/hos/\(path)", headers: ["Content-Type": "application/json;charset=utf-8"], body: Data(sealed.envelope.jsonText().utf8)))
        matcher.annotate(&recorded)
        return Cassette.Interaction(request: recorded, response: Cassette.Response(try keys.reply(answer, code: code)))
    }

    static let patient = MobilePayTestKeys.patient

    @Test func uploadOrderQueryRefundAndUndoRoundTrip() async throws {
        let upload = ConfigValue.object(Self.patient.merging([
            "medOrgOrd": .string("REG20261122001"), "payAuthNo": .string("AUTH000001"), "medfeeSumamt": .number("123.40"), "psnNo": .string("P1"),
            "insutype": .string("310"), "chrgBchno": .string("CB1"), "feeType": .string("01"),
        ]) { $1 })
        let order = ConfigValue.object([
            "payOrdId": .string("ORD20261122001"), "payToken": .string("TOKEN0001"), "payAuthNo": .string("AUTH000001"), "orgCodg": .string("H44010600001"),
            "orgBizSer": .string("REG20261122001"), "chrgBchno": .string("CB1"), "feeType": .string("01"), "mdtrtId": .string("V1"),
        ])
        let query = ConfigValue.object(Self.patient.merging(["payOrdId": .string("ORD20261122001"), "payToken": .string("TOKEN0001")]) { $1 })
        let refund = ConfigValue.object([
            "payOrdId": .string("ORD20261122001"), "payAuthNo": .string("AUTH000001"), "appRefdSn": .string("R1"), "appRefdTime": .string("20261122100000"),
            "totlRefdAmt": .number("123.40"), "psnAcctRefdAmt": .number("30.00"), "fundRefdAmt": .number("70.00"), "cashRefdAmt": .number("23.40"),
            "refdType": .string("ALL"),
        ])
        let cassette = Cassette(name: "mobile-pay", interactions: [
            try interaction("uldFeeInfo", request: upload, answer: .object(["payOrdId": .string("ORD20261122001"), "payToken": .string("TOKEN0001")])),
            try interaction("pay_order", request: order, answer: .object(["payOrdId": .string("ORD20261122001"), "ordStas": .string("6"), "fundPay": .number("70.00"), "psnAcctPay": .number("30.00"), "ownpayAmt": .number("23.40")])),
            try interaction("query_order_info", request: query, answer: .object(["payOrdId": .string("ORD20261122001"), "ordStas": .string("6")])),
            try interaction("refund_Order", request: refund, answer: .object(["payOrdId": .string("ORD20261122001"), "refStatus": .string("SUCC")])),
            try interaction("revoke_order", request: query, answer: .object(["payOrdId": .string("ORD20261122001")]), code: "-1"),
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

    /// Every required field, left out in turn, refuses the request before anything is sent, and the
    /// error names the field (never a value: `idNo` is a resident ID number); 6203 wants `payAuthNo`
    /// or `ecToken` and `appRefdTime` as `yyyyMMddHHmmss`. A region's own path is used when configured.
    @Test func requestsLackingARequiredFieldAreRefusedBeforeSending() async throws {
        let complete: [String: ConfigValue] = [
            "orgCodg": .string("H1"), "medOrgOrd": .string("R1"), "payAuthNo": .string("A1"), "psnNo": .string("P1"), "insutype": .string("310"),
            "idNo": .string("44010619900101001X"), "idType": .string("01"), "userName": .string("张三"), "medfeeSumamt": .number("1.00"),
            "chrgBchno": .string("CB1"), "feeType": .string("01"), "payOrdId": .string("O1"), "payToken": .string("T1"), "orgBizSer": .string("S1"),
            "mdtrtId": .string("V1"), "appRefdSn": .string("RF1"), "appRefdTime": .string("20261122100000"), "totlRefdAmt": .number("1.00"),
            "psnAcctRefdAmt": .number("0"), "fundRefdAmt": .number("0"), "cashRefdAmt": .number("1.00"), "refdType": .string("ALL"),
        ]
        let nothingSent = ReplayTransport(cassette: Cassette(name: "none", interactions: []), matcher: matcher)
        let client = MobilePayClient(credentials: keys.hospital, gateway: gateway, transport: nothingSent, time: ManualTimeSource(now))
        for api in MobilePayAPI.all.values {
            for field in api.required {
                var data = complete
                data[field] = field == "idNo" ? .string("") : nil
                do {
                    _ = try await client.call(api, .object(data))
                    Issue.record("\(api) without \(field) was sent")
                } catch let error as ChannelError {
                    #expect(error.code == .invalidRequest && error.reason.hasSuffix("requires \(field)"), "\(error.reason)")
                    #expect(!error.reason.contains("44010619900101001X"))
                }
            }
        }
        var noAuthorisation = complete
        noAuthorisation["payAuthNo"] = nil
        await #expect(throws: ChannelError(.invalidRequest, reason: "6203 (医保退费) requires payAuthNo or ecToken")) { try await client.call(.refund, .object(noAuthorisation)) }
        noAuthorisation["ecToken"] = .string("EC1")
        var dashed = noAuthorisation
        dashed["appRefdTime"] = .string("2026-11-22 10:00:00")
        await #expect(throws: ChannelError(.invalidRequest, reason: "6203 (医保退费) appRefdTime must be yyyyMMddHHmmss (14 digits)")) { try await client.call(.refund, .object(dashed)) }
        let regional = MobilePayClient(credentials: keys.hospital, gateway: gateway + "/", paths: ["6301": "/hsa/api/queryOrder"], transport: nothingSent)
        #expect(regional.url(for: .queryOrder) == "https://mobile.example.gov.cn/hsa/api/queryOrder")
        #expect(regional.url(for: .uploadFees) == "https://mobile.example.gov.cn/org/local/api/hos/uldFeeInfo")
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
        // Pinned to the standard ID, the hospital still accepts the notice signed under the appSecret
        // (both are the platform's key) and warns which ID matched — never the ID's value.
        let log = CapturedLog()
        let pinned = MobilePayCredentials(
            appID: keys.hospital.appID, appSecret: "F30D0D261BA04063A0BCAEF19F8ADBCC", privateKey: try PrivateKey.generate(.sm2),
            platformPublicKey: keys.hospital.platformPublicKey, signerID: .standard)
        _ = try MobilePayNotificationHandler(credentials: pinned, logger: log.logger).handle(CallbackRequest(path: "/notify/insurance", body: Data(envelope.jsonText().utf8)))
        let warnings = log.lines.withLock { $0 }
        #expect(warnings.count == 1 && warnings.first?.level == .warning)
        #expect(warnings.first?.message.contains("verified under the appSecret as SM2 ID, not under the standard ID 1234567812345678") == true)
        #expect(warnings.first?.message.contains("F30D0D261BA04063A0BCAEF19F8ADBCC") == false)
        var tampered = envelope.objectValue
        tampered["appId"] = .string("SOMEONEELSE")
        #expect(throws: ChannelError(.callbackRejected, reason: "")) { try handler.handle(CallbackRequest(path: "/", body: Data(ConfigValue.object(tampered).jsonText().utf8))) }
    }
}
