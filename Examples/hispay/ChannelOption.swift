import ArgumentParser
import HISPay

/// A `--channel` value: a channel name in the registry (`wechatpay`, `wechatpay-v2`, `alipay`,
/// `unionpay`, `insurance`).
struct ChannelOption: ExpressibleByArgument, Hashable {
    /// The channels the CLI knows: the standard registry.
    static let registry = ChannelRegistry.standard

    /// The channel's descriptor in the registry.
    let descriptor: ChannelDescriptor

    init?(rawValue: String) {
        guard let descriptor = Self.registry.descriptor(named: rawValue) else { return nil }
        self.descriptor = descriptor
    }

    init?(argument: String) { self.init(rawValue: argument) }

    static var allValueStrings: [String] { registry.names }

    /// The name as given on the command line.
    var rawValue: String { descriptor.name }

    /// The channel this option names.
    var channelID: ChannelID { descriptor.id }

    static func == (lhs: Self, rhs: Self) -> Bool { lhs.channelID == rhs.channelID }

    func hash(into hasher: inout Hasher) { hasher.combine(channelID) }
}
