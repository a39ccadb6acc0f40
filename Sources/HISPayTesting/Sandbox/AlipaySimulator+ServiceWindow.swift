import Alipay
import Foundation
import HISPayCore
import HISPayCrypto

/// The service window's (生活号) side of Alipay, written from the public contract rather than from
/// ``AlipayServiceWindowGateway``: the messages Alipay posts to the window's gateway URL, and the check
/// of the gateway's signed answer Alipay applies before it accepts it.
extension AlipaySimulator {
    /// A message as Alipay posts it: `service`, `charset`, `sign_type`, and `biz_content` XML
    /// (`AppId`, `FromUserId`, `CreateTime`, `MsgType`, `EventType`, `ActionParam`, `AgreementId`,
    /// `AccountNo`, or `Text.Content` for a `text` message), signed RSA2 over every field but `sign` —
    /// `sign_type` included, as the service-window family is signed. `event` is `verifygw` (sent as
    /// `alipay.service.check`), `follow`, `unfollow`, `click`, `enter`, or `text`.
    public nonisolated func serviceWindowMessage(event: String, to url: String, fromUserID: String, actionParam: String = "", text: String = "") throws -> HTTPRequest {
        func cdata(_ value: String) -> String { "<![CDATA[\(value.replacingOccurrences(of: "]]>", with: "]]]]><![CDATA[>"))]]>" }
        let created = Int64(Date().timeIntervalSince1970 * 1000)
        let head = "<XML><AppId>\(cdata(keys.alipayAppID))</AppId><FromUserId>\(cdata(fromUserID))</FromUserId><CreateTime>\(created)</CreateTime>"
        let content = event == "text"
            ? head + "<MsgType>\(cdata("text"))</MsgType><Text><Content>\(cdata(text))</Content></Text></XML>"
            : head + "<MsgType>\(cdata("event"))</MsgType><EventType>\(cdata(event))</EventType><ActionParam>\(cdata(actionParam))</ActionParam>"
                + "<AgreementId>\(cdata(""))</AgreementId><AccountNo>\(cdata(""))</AccountNo></XML>"
        var form = [
            "service": event == "verifygw" ? "alipay.service.check" : "alipay.mobile.public.message.notify", "charset": "UTF-8", "sign_type": "RSA2",
            "biz_content": content,
        ]
        form["sign"] = Base64.encode(try keys.alipayKey.rsaSignature(for: Array(AlipaySignContent.make(form, excluding: ["sign"]).utf8)))
        return HTTPRequest(
            method: "POST", url: url, headers: ["Content-Type": "application/x-www-form-urlencoded;charset=UTF-8"], body: Data(AlipayForm.encode(form).utf8))
    }

    /// What is wrong with a gateway's answer to a message of `event` from `fromUserID`, or nil: the
    /// answer must be `<?xml …?><alipay><response>{content}</response><sign>{RSA2 of content with the
    /// app's key}</sign><sign_type>RSA2</sign_type></alipay>`, the content the app's public key
    /// (`<success>true</success><biz_content>…</biz_content>`) for `verifygw`, an ACK to the sender
    /// (`<XML><ToUserId>…</ToUserId><AppId>…</AppId><CreateTime>…</CreateTime><MsgType>ack</MsgType></XML>`)
    /// otherwise.
    public nonisolated func serviceWindowProblem(_ answer: HTTPResponse, event: String, fromUserID: String) -> String? {
        guard answer.status == 200 else { return "the gateway answered HTTP \(answer.status)" }
        let body = answer.text
        func element(_ name: String) -> String? {
            guard let open = body.range(of: "<\(name)>"), let close = body.range(of: "</\(name)>", range: open.upperBound..<body.endIndex) else { return nil }
            return String(body[open.upperBound..<close.lowerBound])
        }
        guard body.hasPrefix("<?xml"), body.contains("<alipay><response>"), let content = element("response"), let sign = element("sign") else {
            return "the answer is not <alipay><response>…</response><sign>…</sign><sign_type>…</sign_type></alipay>"
        }
        guard element("sign_type") == "RSA2" else { return "sign_type is \(element("sign_type") ?? "missing"), not RSA2" }
        do {
            try keys.alipayAppKey.publicKey.verifyRSASignature(try Base64.decode(sign), for: Array(content.utf8), digest: .sha256)
        } catch {
            return "the answer's signature does not verify with the app's public key"
        }
        if event == "verifygw" {
            let key = (try? keys.alipayAppKey.publicKey.derRepresentation).map { Base64.encode($0) } ?? ""
            return content == "<success>true</success><biz_content>\(key)</biz_content>" ? nil : "the gateway check is not answered with the app's public key"
        }
        let ack = ["<ToUserId><![CDATA[\(fromUserID)]]></ToUserId>", "<AppId><![CDATA[\(keys.alipayAppID)]]></AppId>", "<MsgType><![CDATA[ack]]></MsgType>"]
        return content.hasPrefix("<XML>") && ack.allSatisfy(content.contains) ? nil : "the answer is not an ACK to \(fromUserID) for app \(keys.alipayAppID)"
    }
}
