import Alipay
import Foundation
import HISPayCore
import HISPayCrypto
import HISPayTestSupport
import Testing
import HISPayTesting

/// The service window's (生活号) gateway against the public contract: what Alipay posts (`service`,
/// `charset`, `sign_type`, `sign`, and `biz_content` XML with `AppId`, `FromUserId`, `CreateTime`,
/// `MsgType`, `EventType`, `ActionParam`, `AgreementId`, `AccountNo` — the field set of Alipay's
/// service-window Java demo, `InAlipayVerifyExecutor`/`InAlipayFollowExecutor`, found in public hospital
/// code such as a service window answering patients' questions by `FromAlipayUserId`), signed RSA2 over
/// the fields with `sign_type` kept (as the PHP SDK's `rsaCheckV2` checks them); and the answer the
/// public SDKs build (`AopClient::alonersaSign` + `<alipay><response>…</response><sign>…</sign>
/// <sign_type>…</sign_type></alipay>`): the app's public key for `verifygw`, an ACK otherwise.
@Suite struct AlipayServiceWindowTests {
    let alipayKey: PrivateKey
    let appKey: PrivateKey
    let gateway: AlipayServiceWindowGateway
    let now = Date(timeIntervalSince1970: 1_795_312_800)

    init() throws {
        alipayKey = try PrivateKey.generate(.rsa)
        appKey = try PrivateKey.generate(.rsa)
        gateway = AlipayServiceWindowGateway(
            verifier: AlipayVerifier(alipayPublicKey: try alipayKey.publicKey), signer: AlipaySigner(privateKey: appKey), appID: "2021000000000001")
    }

    /// A message as Alipay posts it: the form signed with Alipay's key, `sign_type` included.
    func post(service: String = "alipay.mobile.public.message.notify", _ content: String) throws -> CallbackRequest {
        var form = ["service": service, "charset": "GBK", "sign_type": "RSA2", "biz_content": content]
        form["sign"] = try AlipaySigner(privateKey: alipayKey).sign(form).signature
        return CallbackRequest(path: "/notify/main/alipay", headers: ["Content-Type": "application/x-www-form-urlencoded"], body: Data(AlipayForm.encode(form).utf8))
    }

    static func event(_ type: String, app: String = "2021000000000001", action: String = "") -> String {
        "<XML><AppId><![CDATA[\(app)]]></AppId><FromUserId><![CDATA[2088102122485786]]></FromUserId><CreateTime>1795312800123</CreateTime>"
            + "<MsgType><![CDATA[event]]></MsgType><EventType><![CDATA[\(type)]]></EventType><ActionParam><![CDATA[\(action)]]></ActionParam>"
            + "<AgreementId><![CDATA[]]></AgreementId><AccountNo><![CDATA[]]></AccountNo></XML>"
    }

    /// The answer's `<response>` content, after checking its signature with the app's public key.
    func verifiedContent(_ response: HTTPResponse) throws -> String {
        let body = response.text
        #expect(body.hasPrefix(#"<?xml version="1.0" encoding="GBK"?><alipay><response>"#))
        let content = try #require(body.range(of: "<response>").flatMap { start in body.range(of: "</response>").map { String(body[start.upperBound..<$0.lowerBound]) } })
        let sign = try #require(body.range(of: "<sign>").flatMap { start in body.range(of: "</sign>").map { String(body[start.upperBound..<$0.lowerBound]) } })
        #expect(body.hasSuffix("<sign_type>RSA2</sign_type></alipay>"))
        try appKey.publicKey.verifyRSASignature(try Base64.decode(sign), for: Array(content.utf8), digest: .sha256)
        return content
    }

    @Test func theGatewayCheckIsAnsweredWithTheAppsPublicKeySigned() throws {
        let verified = try gateway.handle(post(service: "alipay.service.check", Self.event("verifygw")), now: now)
        #expect(verified.event.kind == .serviceWindowVerification && verified.quarantine == nil)
        let key = Base64.encode(try appKey.publicKey.derRepresentation)
        #expect(try verifiedContent(verified.acknowledgement) == "<success>true</success><biz_content>\(key)</biz_content>")
    }

    @Test func followClickAndTextBecomeTypedEventsAcknowledgedWithASignedACK() throws {
        let follow = try gateway.handle(post(Self.event("follow", action: "scene_outpatient")), now: now)
        #expect(follow.event.kind == .serviceWindowFollow && follow.event.fields["FromUserId"] == "2088102122485786")
        #expect(follow.event.fields["ActionParam"] == "scene_outpatient" && follow.event.occurredAt == Date(timeIntervalSince1970: 1_795_312_800.123))
        #expect(try verifiedContent(follow.acknowledgement)
            == "<XML><ToUserId><![CDATA[2088102122485786]]></ToUserId><AppId><![CDATA[2021000000000001]]></AppId><CreateTime>1795312800000</CreateTime><MsgType><![CDATA[ack]]></MsgType></XML>")
        #expect(try gateway.handle(post(Self.event("unfollow")), now: now).event.kind == .serviceWindowUnfollow)
        let click = try gateway.handle(post(Self.event("click", action: "menu_registration")), now: now)
        #expect(click.event.kind == .serviceWindowMenuClick && click.event.fields["ActionParam"] == "menu_registration")
        let question = "<XML><AppId><![CDATA[2021000000000001]]></AppId><FromAlipayUserId><![CDATA[2088102122485786]]></FromAlipayUserId><CreateTime>1795312800123</CreateTime><MsgType><![CDATA[text]]></MsgType><Text><Content><![CDATA[明天上午心内科还有号吗？]]></Content></Text></XML>"
        let text = try gateway.handle(post(question), now: now)
        #expect(text.event.kind == .serviceWindowText && text.event.fields["Text.Content"] == "明天上午心内科还有号吗？")
        #expect(try verifiedContent(text.acknowledgement).contains("<ToUserId><![CDATA[2088102122485786]]></ToUserId>"))
        // A message type Alipay adds later is acknowledged too.
        #expect(try gateway.handle(post(Self.event("location_report")), now: now).event.kind == .other)
        // A retry is the same event.
        #expect(try gateway.handle(post(Self.event("follow", action: "scene_outpatient")), now: now).event.deduplicationKey == follow.event.deduplicationKey)
    }

    @Test func tamperingMalformedContentAndAnotherAppAreHandledByName() throws {
        var tampered = try post(Self.event("follow"))
        tampered.body = Data(String(decoding: tampered.body, as: UTF8.self).replacingOccurrences(of: "follow", with: "unfollow").utf8)
        #expect(throws: ChannelError(.signatureInvalid, reason: "")) { try gateway.handle(tampered, now: now) }
        #expect(throws: ChannelError(.invalidResponse, reason: "")) { try gateway.handle(post("<XML><AppId>1</AppId>"), now: now) }
        #expect(throws: ChannelError(.invalidResponse, reason: "")) { try gateway.handle(post("<!DOCTYPE x><XML></XML>"), now: now) }
        let foreign = try gateway.handle(post(Self.event("follow", app: "2021000000000999")), now: now)
        #expect(foreign.quarantine == "service-window message is for AppId 2021000000000999, not this profile's 2021000000000001")
    }

    /// The channel routes a service-window message posted to its notify URL to the gateway.
    @Test func theChannelTakesServiceWindowMessagesOnItsNotifyURL() async throws {
        let configuration = AlipayConfiguration(
            appID: "2021000000000001", signer: AlipaySigner(privateKey: appKey), verifier: AlipayVerifier(alipayPublicKey: try alipayKey.publicKey))
        let channel = AlipayChannel(configuration: configuration, transport: ReplayTransport(cassette: Cassette(name: "no-calls")), time: ManualTimeSource(now))
        let verified = try await channel.verifyCallback(post(Self.event("follow")))
        #expect(verified.event.kind == .serviceWindowFollow)
        #expect(try verifiedContent(verified.acknowledgement).contains("<MsgType><![CDATA[ack]]></MsgType>"))
    }
}
