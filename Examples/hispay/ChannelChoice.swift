import ArgumentParser
import HISPay

/// Which channels a command's option takes: its help lists those, and parsing refuses the others.
protocol ChannelSubset {
    static func accepts(_ descriptor: ChannelDescriptor) -> Bool
}

/// The channels that take payments (`settle --cash-channel`).
enum PaymentChannels: ChannelSubset {
    static func accepts(_ descriptor: ChannelDescriptor) -> Bool { descriptor.makeChannel != nil }
}

/// The channels whose request signature `hispay sign` shows.
enum SigningChannels: ChannelSubset {
    static func accepts(_ descriptor: ChannelDescriptor) -> Bool { descriptor.explainSignature != nil }
}

/// The channels that send callbacks (`notify verify --channel`).
enum CallbackChannels: ChannelSubset {
    static func accepts(_ descriptor: ChannelDescriptor) -> Bool { descriptor.takesCallbacks }
}

/// The national medical insurance (`settle --channel`).
enum InsuranceChannels: ChannelSubset {
    static func accepts(_ descriptor: ChannelDescriptor) -> Bool { descriptor.id == .insurance }
}

/// A channel name in the registry that `Subset` accepts.
struct ChannelChoice<Subset: ChannelSubset>: ExpressibleByArgument, Hashable {
    let descriptor: ChannelDescriptor

    init?(argument: String) {
        guard let descriptor = ChannelOption.registry.descriptor(named: argument), Subset.accepts(descriptor) else { return nil }
        self.descriptor = descriptor
    }

    static var allValueStrings: [String] { ChannelOption.registry.descriptors.filter(Subset.accepts).map(\.name) }

    /// The name as given on the command line.
    var rawValue: String { descriptor.name }
    var channelID: ChannelID { descriptor.id }

    static func == (lhs: Self, rhs: Self) -> Bool { lhs.channelID == rhs.channelID }

    func hash(into hasher: inout Hasher) { hasher.combine(channelID) }
}
