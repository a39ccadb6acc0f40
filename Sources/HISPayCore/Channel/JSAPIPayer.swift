/// The paying user inside a wallet app, for the JSAPI scene.
public struct JSAPIPayer: Hashable, Sendable {
    /// Which in-app surface the page runs in.
    public struct Surface: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        /// WeChat official account (公众号) page; payer id is the openid under that account's appid.
        public static let weChatOfficialAccount = Surface("weChatOfficialAccount")
        /// WeChat mini program (小程序); payer id is the openid under the mini program's appid.
        public static let weChatMiniProgram = Surface("weChatMiniProgram")
        /// Alipay service window (服务窗/生活号) or Alipay mini program; payer id is `buyer_id` (2088…) or `buyer_open_id`.
        public static let alipayServiceWindow = Surface("alipayServiceWindow")
    }

    public var surface: Surface
    /// openid, buyer_id or buyer_open_id.
    public var payerID: String
    /// The app id the payer id belongs to, when it differs from the merchant profile's default.
    public var appID: String?

    public init(surface: Surface, payerID: String, appID: String? = nil) {
        self.surface = surface
        self.payerID = payerID
        self.appID = appID
    }
}
