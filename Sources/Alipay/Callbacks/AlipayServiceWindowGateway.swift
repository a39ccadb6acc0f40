import Foundation
import HISPayCore
import HISPayCrypto

/// The service window's (生活号) gateway: verifies what Alipay posts to the gateway URL (RSA2 over
/// the form's fields, `sign_type` included, as the service-window family is signed), reads it as an
/// ``AlipayServiceWindowMessage``, and answers as Alipay's service-window documentation and SDKs do:
///
/// `<?xml version="1.0" encoding="{charset}"?><alipay><response>{content}</response><sign>{RSA2 of content}</sign><sign_type>RSA2</sign_type></alipay>`
///
/// where the content of the gateway check (`verifygw`) is `<success>true</success><biz_content>{the
/// app's public key}</biz_content>`, and of every other message the ACK
/// `<XML><ToUserId>…</ToUserId><AppId>…</AppId><CreateTime>{ms}</CreateTime><MsgType>ack</MsgType></XML>`
/// (without it Alipay sends the message again). Each message becomes a `CallbackEvent` of a
/// service-window kind (`CallbackEvent/Kind/serviceWindowFollow` …) carrying its fields, so the HIS
/// learns who followed the hospital's window and what they asked; a message for another `AppId` is
/// delivered with `VerifiedCallback/quarantine` set.
public struct AlipayServiceWindowGateway: Sendable {
    public let verifier: AlipayVerifier
    public let signer: AlipaySigner
    public let appID: String

    public init(verifier: AlipayVerifier, signer: AlipaySigner, appID: String) {
        self.verifier = verifier
        self.signer = signer
        self.appID = appID
    }

    /// Whether a notify form is a service-window gateway message (it has `service` and `biz_content`,
    /// and no `notify_type`).
    package static func isGatewayMessage(_ form: [String: String]) -> Bool {
        form["service"] != nil && form["biz_content"] != nil && form["notify_type"] == nil
    }

    /// Verifies and reads one posted message, and the signed response for it at `now`.
    public func handle(_ request: CallbackRequest, now: Date) throws(ChannelError) -> VerifiedCallback {
        try handle(form: try AlipayForm.decode(request.body), now: now)
    }

    /// The same, for a message whose form is already decoded.
    public func handle(form: [String: String], now: Date) throws(ChannelError) -> VerifiedCallback {
        try verifier.verify(notification: form)
        let message = try AlipayServiceWindowMessage(form: form)
        let kinds: [AlipayServiceWindowMessage.Kind: CallbackEvent.Kind] = [
            .verification: .serviceWindowVerification, .follow: .serviceWindowFollow, .unfollow: .serviceWindowUnfollow,
            .menuClick: .serviceWindowMenuClick, .enter: .serviceWindowEnter, .text: .serviceWindowText,
        ]
        let event = CallbackEvent(
            kind: kinds[message.kind] ?? .other, channel: .alipay, deduplicationKey: "alipay:window:" + DigestAlgorithm.fingerprint(message.fields),
            outTradeNo: "", merchantID: message.appID, occurredAt: message.createdAt, fields: message.fields)
        return VerifiedCallback(
            event: event, acknowledgement: try response(to: message, charset: form["charset"] ?? "GBK", now: now),
            quarantine: message.appID == appID ? nil : "service-window message is for AppId \(message.appID), not this profile's \(appID)")
    }

    /// The signed response: the app's public key for the gateway check, the ACK otherwise.
    public func response(to message: AlipayServiceWindowMessage, charset: String, now: Date) throws(ChannelError) -> HTTPResponse {
        let content: String
        do {
            content = message.kind == .verification
                ? "<success>true</success><biz_content>\(try signer.publicKeyBase64)</biz_content>"
                : "<XML><ToUserId><![CDATA[\(message.fromUserID)]]></ToUserId><AppId><![CDATA[\(appID)]]></AppId>"
                    + "<CreateTime>\(Int64((now.timeIntervalSince1970 * 1000).rounded()))</CreateTime><MsgType><![CDATA[ack]]></MsgType></XML>"
            let signature = try signer.sign(text: content)
            let body = #"<?xml version="1.0" encoding="\#(charset)"?><alipay><response>\#(content)</response><sign>\#(signature)</sign><sign_type>\#(signer.signType.rawValue)</sign_type></alipay>"#
            return HTTPResponse(status: 200, headers: ["Content-Type": "text/xml; charset=\(charset)"], body: Data(body.utf8))
        } catch {
            throw ChannelError(.invalidRequest, channel: .alipay, operation: .callback, reason: "the service-window response could not be signed with the app's private key")
        }
    }
}

extension CallbackEvent.Kind {
    /// Alipay checked the service window's gateway (`verifygw`).
    public static let serviceWindowVerification = Self("serviceWindowVerification")
    /// A user followed the hospital's service window (`follow`; `ActionParam` the scene).
    public static let serviceWindowFollow = Self("serviceWindowFollow")
    public static let serviceWindowUnfollow = Self("serviceWindowUnfollow")
    /// A user tapped a menu item (`click`; `ActionParam` its key).
    public static let serviceWindowMenuClick = Self("serviceWindowMenuClick")
    public static let serviceWindowEnter = Self("serviceWindowEnter")
    /// A user wrote to the service window (`Text.Content`).
    public static let serviceWindowText = Self("serviceWindowText")
}
