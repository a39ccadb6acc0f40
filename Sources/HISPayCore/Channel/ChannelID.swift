/// Names a payment channel. Extensible: a new channel is a new static value, not a source break.
public struct ChannelID: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The stable name used in configuration blocks, journals and reports.
    public let rawValue: String

    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// WeChat Pay APIv3 (JSON, RSA).
    public static let wechatPay = ChannelID("wechatpay")
    /// WeChat Pay legacy APIv2 (XML, MD5/HMAC).
    public static let wechatPayV2 = ChannelID("wechatpayV2")
    /// Alipay OpenAPI gateway, including the service window (生活号).
    public static let alipay = ChannelID("alipay")
    /// UnionPay ACP gateway and QR.
    public static let unionPay = ChannelID("unionpay")
    /// National medical insurance (NHSA) settlement.
    public static let insurance = ChannelID("insurance")
    /// The hospital's own prepaid patient card (院内一卡通).
    public static let hospitalCard = ChannelID("hospitalcard")

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
