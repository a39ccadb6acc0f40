/// One merchant (usually one campus, 院区): a name and a configuration block per channel.
public struct MerchantProfile: Sendable, CustomStringConvertible {
    /// The standard channels' block keys, in the order they are listed.
    public static let channelKeys: [String] = [
        ChannelID.wechatPay.rawValue, ChannelID.wechatPayV2.rawValue, ChannelID.alipay.rawValue,
        ChannelID.unionPay.rawValue, ChannelID.insurance.rawValue, ChannelID.hospitalCard.rawValue,
    ]

    public let name: String
    /// The whole merchant object.
    public let settings: ConfigBlock
    /// The channel block keys this profile may hold (the registered channels' ids).
    private let channelKeys: [String]

    init(settings: ConfigBlock, channels: [ChannelID]) throws(ConfigurationError) {
        channelKeys = channels.map(\.rawValue)
        try settings.rejectUnknownKeys(allowed: Set(["name"] + channelKeys))
        let name = try settings.string("name")
        guard !name.isEmpty else { throw ConfigurationError(.invalidValue, "\(settings.path).name must not be empty") }
        self.name = name
        self.settings = settings
        for key in channelKeys { _ = try settings.block(key) }  // type-check every block now
    }

    /// The block of `channel`, if this merchant configures it.
    public func block(for channel: ChannelID) -> ConfigBlock? {
        try? settings.block(channel.rawValue)
    }

    /// The channels this merchant configures.
    public var channels: [ChannelID] {
        channelKeys.filter { settings.entries[$0] != nil }.map(ChannelID.init)
    }

    public var description: String { "MerchantProfile(\(name): \(channels.map(\.rawValue).joined(separator: ", ")))" }
}
