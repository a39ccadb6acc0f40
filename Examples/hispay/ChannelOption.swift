import ArgumentParser
import HISPay

/// A `--channel` value: a channel name in the registry (`wechatpay`, `wechatpay-v2`, `alipay`,
/// `unionpay`, `insurance`).
struct ChannelOption: ExpressibleByArgument, Hashable {
    /// The channels the CLI knows: the standard registry.
    static let registry = ChannelRegistry.standard

    let rawValue: String

    init?(rawValue: String) {
        guard Self.registry.descriptor(named: rawValue) != nil else { return nil }
        self.rawValue = rawValue
    }

    init?(argument: String) { self.init(rawValue: argument) }

    static var allValueStrings: [String] { registry.names }

    var descriptor: ChannelDescriptor {
        // Only names the registry knows are ever made.
        Self.registry.descriptors.first { $0.name == rawValue } ?? Self.registry.descriptors[0]
    }

    /// The channel this option names.
    var channelID: ChannelID { descriptor.id }
}
