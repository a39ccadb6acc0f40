import Foundation

/// A HISPay configuration file:
///
/// ```json
/// {"merchants": [{"name": "main-campus", "wechatpay": {...}, "wechatpayV2": {...}, "alipay": {...},
///                 "unionpay": {...}, "insurance": {...}}]}
/// ```
/// Any string may be `"env:NAME"` to read a secret from the environment; key and certificate
/// values are file paths relative to the config file. Each channel defines its own block.
public struct HISPayConfiguration: Sendable {
    /// Top-level keys: the merchant list, the optional `transport` block (proxy, CA, timeouts), the
    /// optional `partners` list (resource-pool partners' order files, read by reconciliation) and the
    /// optional `store` block (`{"retentionMonths": N}`).
    package static let knownKeys: Set<String> = ["merchants", "transport", "partners", "store"]

    /// The merchants, in file order.
    public let merchants: [MerchantProfile]
    /// The whole file, for settings outside the merchant list.
    public let root: ConfigBlock
    /// `store.retentionMonths`: how many months of callback events a PostgreSQL store keeps live
    /// (older months are detached for the archive); nil keeps them all.
    public let retentionMonths: Int?

    /// Loads the file at `path`. `channels` are the channel blocks a merchant may hold (a channel
    /// registry's ids; the standard channels by default).
    public static func load(
        path: String,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        channels: [ChannelID] = MerchantProfile.channelKeys.map(ChannelID.init)
    ) throws(ConfigurationError) -> HISPayConfiguration {
        let url = URL(fileURLWithPath: path)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ConfigurationError(.fileUnreadable, "config file \(path) cannot be read")
        }
        return try HISPayConfiguration(
            json: data, baseDirectory: url.deletingLastPathComponent(), environment: environment, source: path, channels: channels)
    }

    /// Parses configuration JSON; relative paths resolve against `baseDirectory`.
    public init(
        json: Data,
        baseDirectory: URL,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        source: String = "config",
        channels: [ChannelID] = MerchantProfile.channelKeys.map(ChannelID.init)
    ) throws(ConfigurationError) {
        guard case .object(let entries) = try ConfigValue.parse(json, source: source) else {
            throw ConfigurationError(.invalidValue, "\(source) must hold a JSON object")
        }
        root = ConfigBlock(path: "config", entries: entries, baseDirectory: baseDirectory, environment: environment)
        try root.rejectUnknownKeys(allowed: HISPayConfiguration.knownKeys)
        _ = try root.block("transport")
        let store = try root.block("store")
        try store?.rejectUnknownKeys(allowed: ["retentionMonths"])
        retentionMonths = try store?.int("retentionMonths")
        if let months = retentionMonths, months < 1 {
            throw ConfigurationError(.invalidValue, "config.store.retentionMonths must be a whole number of months ≥ 1, not \(months)")
        }
        guard case .array(let list)? = entries["merchants"] else {
            throw ConfigurationError(.missingKey, "\(source) needs a \"merchants\" array")
        }
        var merchants: [MerchantProfile] = []
        for (index, item) in list.enumerated() {
            guard case .object(let fields) = item else {
                throw ConfigurationError(.invalidValue, "merchants[\(index)] must be an object, not a \(item.typeName)")
            }
            let block = ConfigBlock(
                path: "merchants[\(index)]", entries: fields, baseDirectory: baseDirectory, environment: environment)
            let merchant = try MerchantProfile(settings: block, channels: channels)
            guard !merchants.contains(where: { $0.name == merchant.name }) else {
                throw ConfigurationError(.invalidValue, "merchants[\(index)].name \"\(merchant.name)\" is used twice")
            }
            merchants.append(merchant)
        }
        guard !merchants.isEmpty else { throw ConfigurationError(.unknownMerchant, "\(source) lists no merchants") }
        self.merchants = merchants
    }

    /// The optional `transport` block.
    public var transport: ConfigBlock? { try? root.block("transport") }

    /// The merchant called `name`, or the first one when `name` is nil.
    public func merchant(named name: String?) throws(ConfigurationError) -> MerchantProfile {
        guard let name else { return merchants[0] }
        guard let merchant = merchants.first(where: { $0.name == name }) else {
            throw ConfigurationError(
                .unknownMerchant,
                "no merchant named \"\(name)\" (configured: \(merchants.map(\.name).joined(separator: ", ")))")
        }
        return merchant
    }
}
