import Foundation
import HISPayCore
import HISPayCrypto
import HISPayTestSupport
import Testing
import WeChatPay

@Suite struct WeChatPayV2Tests {
    @Test func officialSigningExampleMatchesForMD5AndHMAC() throws {
        let vector = try Fixtures.vector("wechat-v2-sign")["vectors"][0]
        let parameters = vector["inputs"]["params"].stringDictionary
        let key = vector["inputs"]["api_key"].string
        let md5 = WeChatPayV2Signer(apiKey: key, signType: .md5)
        #expect(md5.stringToSign(parameters) == vector["expected"]["stringSignTemp"].string)
        #expect(try md5.sign(parameters) == vector["expected"]["sign_md5"].string)
        #expect(try WeChatPayV2Signer(apiKey: key, signType: .hmacSHA256).sign(parameters) == vector["expected"]["sign_hmac_sha256"].string)
    }

    @Test func emptyValuesAreLeftOutOfTheSignature() throws {
        let vector = try Fixtures.vector("wechat-v2-sign")["vectors"][1]
        var parameters = vector["inputs"]["params"].stringDictionary
        parameters["foo"] = ""
        let signer = WeChatPayV2Signer(apiKey: vector["inputs"]["api_key"].string)
        #expect(try signer.sign(parameters) == vector["expected"]["sign_md5"].string)
        parameters["sign"] = vector["expected"]["sign_md5"].string
        try signer.verify(parameters)
        parameters["age"] = "30"
        #expect(throws: ChannelError(.signatureInvalid, reason: "")) { try signer.verify(parameters) }
    }

    @Test func xmlIsParsedFlatAndMalformedDocumentsAreRejected() throws {
        let fields = try WeChatPayV2XML.parse(Data("<xml><return_code><![CDATA[SUCCESS]]></return_code><total_fee>1</total_fee><body>a &amp; b</body></xml>".utf8))
        #expect(fields == ["return_code": "SUCCESS", "total_fee": "1", "body": "a & b"])
        #expect(try WeChatPayV2XML.parse(WeChatPayV2XML.build(["a": "x]]>y", "b": "<z>"])) == ["a": "x]]>y", "b": "<z>"])
        for bad in ["<xml><a>1</a>", "<xml><a><b>1</b></a></xml>", "<html><a>1</a></html>", "", "not xml", "<xml><a>1</a><a>2</a></xml>"] {
            #expect(throws: ChannelError(.invalidResponse, reason: "")) { try WeChatPayV2XML.parse(Data(bad.utf8)) }
        }
        #expect(try WeChatPayV2XML.parse(Data("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xml><a>1</a></xml>".utf8)) == ["a": "1"])
        // Markup WeChat Pay never sends is refused before Foundation's XMLParser sees it: it crashed on
        // `<?eW?>` (fuzzing), and a DOCTYPE could declare external entities.
        let xxe = #"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><a>&e;</a></xml>"#
        for (bad, what) in [("<?eW?>/]>", "a processing instruction"), ("<xml><?a b?><c>1</c></xml>", "a processing instruction"),
                            (" <?xml-stylesheet href=\"x\"?><xml/>", "a processing instruction"),
                            (xxe, "a DOCTYPE, entity declaration or comment"), ("<xml><!-- c --><a>1</a></xml>", "a DOCTYPE, entity declaration or comment")] {
            #expect(throws: ChannelError(.invalidResponse, reason: "")) { try WeChatPayV2XML.parse(Data(bad.utf8)) }
            #expect(WeChatPayV2XML.unexpectedMarkup(Data(bad.utf8)) == what)
        }
    }

    let apiKey = "HISPayTestApiKeyForV2Merchant001"

    func paymentNotify(_ change: (inout [String: String]) -> Void = { _ in }) throws -> CallbackRequest {
        var fields = [
            "appid": "wx2421b1c4370ec43b", "bank_type": "CFT", "cash_fee": "1230", "fee_type": "CNY", "is_subscribe": "Y",
            "mch_id": "10000100", "nonce_str": "5d2b6c2a8db53831f7eda20af46e531c", "openid": "oUpF8uMEb4qRXf22hE3X68TekukE",
            "out_trade_no": "REG20261122001", "result_code": "SUCCESS", "return_code": "SUCCESS", "time_end": "20261122095930",
            "total_fee": "1230", "trade_type": "JSAPI", "transaction_id": "4200002026112212345678",
        ]
        fields["sign"] = try WeChatPayV2Signer(apiKey: apiKey).sign(fields)
        change(&fields)
        return CallbackRequest(path: "/notify/wechatpay-v2", headers: ["Content-Type": "text/xml"], body: WeChatPayV2XML.build(fields))
    }

    @Test func paymentNotifyIsVerifiedAndAcknowledgedInXML() throws {
        let handler = try WeChatPayV2CallbackHandler(apiKey: apiKey, signType: .md5, merchantID: "10000100")
        let verified = try handler.handle(try paymentNotify())
        #expect(verified.event.kind == .paymentSucceeded)
        #expect(verified.event.amount == Amount(fen: 1230))
        #expect(verified.event.transactionID == "4200002026112212345678")
        #expect(verified.event.occurredAt == BeijingTime.parse("2026-11-22 09:59:30"))
        #expect(verified.acknowledgement.text == "<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>")
        #expect(WeChatPayV2CallbackHandler.rejection(reason: "bad sign").text.contains("<return_code><![CDATA[FAIL]]></return_code>"))

        let rejections: [(CallbackRequest, ChannelError.Code)] = [
            (try paymentNotify { $0["total_fee"] = "1" }, .signatureInvalid),
            (try paymentNotify { $0["sign"] = nil }, .signatureInvalid),
            (CallbackRequest(path: "/", body: Data("<xml><return_code>SUCCESS".utf8)), .invalidResponse),
        ]
        for (request, code) in rejections {
            #expect(throws: ChannelError(code, reason: "")) { try handler.handle(request) }
        }
        // Signed with this merchant's key yet naming another mch_id: acknowledged and quarantined.
        let otherMerchant = try WeChatPayV2CallbackHandler(apiKey: apiKey, signType: .md5, merchantID: "10009999")
        let quarantined = try otherMerchant.handle(try paymentNotify())
        #expect(quarantined.quarantine == "notification is for merchant 10000100, not 10009999")
        #expect(quarantined.acknowledgement.text.contains("SUCCESS"))
        let other = try WeChatPayV2CallbackHandler(apiKey: "AnotherApiKeyAnotherApiKey000000", signType: .md5, merchantID: "10000100")
        #expect(throws: ChannelError(.signatureInvalid, reason: "")) { try other.handle(try paymentNotify()) }
    }

    @Test func refundNotifyDecryptsPublishedReqInfo() throws {
        let vector = try Fixtures.vector("wechat-v2-refund-notify-reqinfo")["vectors"][0]
        let outer = WeChatPayV2XML.build([
            "return_code": "SUCCESS", "appid": "wx2421b1c4370ec43b", "mch_id": "10000100", "nonce_str": "TeqClE3i0mvn3DrK",
            "req_info": vector["inputs"]["req_info"].string,
        ])
        let handler = try WeChatPayV2CallbackHandler(apiKey: vector["inputs"]["api_key"].string, signType: .md5, merchantID: "10000100")
        let verified = try handler.handle(CallbackRequest(path: "/notify/wechatpay-v2/refund", body: outer))
        #expect(verified.event.kind == .refundSucceeded)
        #expect(verified.event.outRefundNo == "50fd012ed1b311e7af7800163e32c503")
        #expect(verified.event.amount == Amount(fen: 6))
        #expect(verified.event.deduplicationKey == "wechatpayV2:refund:50000404922017112502468056157:SUCCESS")
        let wrongKey = try WeChatPayV2CallbackHandler(apiKey: apiKey, signType: .md5, merchantID: "10000100")
        #expect(throws: ChannelError(.decryptionFailed, reason: "")) { try wrongKey.handle(CallbackRequest(path: "/", body: outer)) }
    }
}
