import Foundation
import HISPayCore

/// One message Alipay posts to a service window's (生活号, formerly 服务窗) gateway URL, verified: the
/// form's `service` (`alipay.service.check` for the gateway check, `alipay.mobile.public.message.notify`
/// for the rest) and its `biz_content` XML read into fields — `AppId`, `FromUserId` (or
/// `FromAlipayUserId`), `CreateTime` (milliseconds), `MsgType` (`event`, `text`, …), `EventType`
/// (`verifygw`, `follow`, `unfollow`, `click`, `enter`), `ActionParam` (the menu key of a click, the
/// scene of a follow), `Text.Content` (what the user wrote).
public struct AlipayServiceWindowMessage: Hashable, Sendable {
    /// What the message is. Extensible.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        /// Alipay checks the gateway when it is configured (`verifygw`): answered with the app's public key.
        public static let verification = Kind("verification")
        public static let follow = Kind("follow")
        public static let unfollow = Kind("unfollow")
        /// A menu item was tapped; ``AlipayServiceWindowMessage/actionParam`` is its key.
        public static let menuClick = Kind("menuClick")
        /// The user entered the service window.
        public static let enter = Kind("enter")
        /// The user wrote a message; ``AlipayServiceWindowMessage/text`` is what they wrote.
        public static let text = Kind("text")
        /// Any other message type or event (Alipay adds them; each is acknowledged).
        public static let other = Kind("other")
    }

    public var kind: Kind
    /// The form's `service`.
    public var service: String
    public var appID: String
    /// The Alipay user the message is from (`FromUserId`, or `FromAlipayUserId`).
    public var fromUserID: String
    public var createdAt: Date?
    public var actionParam: String?
    public var text: String?
    /// Every field of `biz_content` (nested ones as `Parent.Child`), and `service`.
    public var fields: [String: String]

    /// Reads the form's `service` and `biz_content`; a missing field or XML that is not a
    /// service-window message throws `ChannelError/Code/invalidResponse`.
    public init(form: [String: String]) throws(ChannelError) {
        func fail(_ what: String) -> ChannelError { ChannelError(.invalidResponse, channel: .alipay, operation: .callback, reason: "service-window message: \(what)") }
        guard let service = form["service"], !service.isEmpty else { throw fail("no service") }
        guard var content = form["biz_content"], !content.isEmpty else { throw fail("no biz_content") }
        // The declaration names the form's charset (GBK); the text is already decoded.
        if content.hasPrefix("<?xml"), let end = content.range(of: "?>") { content = String(content[end.upperBound...]) }
        var fields: [String: String]
        do { fields = try FlatXML.fields(Data(content.utf8), roots: ["XML", "xml"], nested: true) } catch {
            throw fail("biz_content is not the documented XML (\(error))")
        }
        guard let appID = fields["AppId"], !appID.isEmpty else { throw fail("biz_content has no AppId") }
        fields["service"] = service
        let msgType = fields["MsgType"] ?? ""
        let event = fields["EventType"] ?? ""
        switch (msgType, event) {
        case ("event", "verifygw"): kind = .verification
        case ("event", "follow"): kind = .follow
        case ("event", "unfollow"): kind = .unfollow
        case ("event", "click"): kind = .menuClick
        case ("event", "enter"): kind = .enter
        case ("text", _): kind = .text
        default: kind = .other
        }
        self.service = service
        self.appID = appID
        fromUserID = fields["FromUserId"].flatMap { $0.isEmpty ? nil : $0 } ?? fields["FromAlipayUserId"] ?? ""
        createdAt = fields["CreateTime"].flatMap(Int64.init).map { Date(timeIntervalSince1970: Double($0) / 1000) }
        actionParam = fields["ActionParam"].flatMap { $0.isEmpty ? nil : $0 }
        text = fields["Text.Content"]
        self.fields = fields
    }
}
