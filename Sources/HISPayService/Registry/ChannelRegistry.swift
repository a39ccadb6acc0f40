import Alipay
import Foundation
import HISPayCore
import HospitalCard
import Logging
import MedicalInsurance
import Reconciliation
import UnionPay
import WeChatPay

/// The one place that maps a merchant profile and a channel to that channel's `PaymentChannel`,
/// `CallbackVerifier` and `StatementParser`: it holds one `ChannelDescriptor` per channel,
/// given by the channel's own module. The gateway, the resolver, reconciliation and the CLI ask it,
/// and know no channel by name.
///
/// ```swift
/// var registry = ChannelRegistry.standard
/// registry.register(CardChannel.descriptor)   // a further channel: one line
/// let channel = try registry.channel(.wechatPay, merchant: profile, transports: CurlTransport.Configuration())
/// ```
public struct ChannelRegistry: Sendable {
    /// The registered channels, in registration order.
    public private(set) var descriptors: [ChannelDescriptor]

    public init(_ descriptors: [ChannelDescriptor] = []) {
        self.descriptors = []
        for descriptor in descriptors { register(descriptor) }
    }

    /// The channels HISPay ships: WeChat Pay APIv3 and v2, Alipay, UnionPay, medical insurance.
    public static let standard = ChannelRegistry([
        WeChatPayV3Channel.descriptor,
        WeChatPayV2Channel.descriptor,
        AlipayChannel.descriptor,
        UnionPayChannel.descriptor,
        InsuranceChannel.descriptor,
        HospitalCardChannel.descriptor,
    ])

    /// Adds `descriptor`, replacing one registered under the same channel id.
    public mutating func register(_ descriptor: ChannelDescriptor) {
        descriptors.removeAll { $0.id == descriptor.id }
        descriptors.append(descriptor)
    }

    /// The names channels go by in URLs and on the command line.
    public var names: [String] { descriptors.map(\.name) }

    /// Each channel's name and its id, for a HIS ledger whose `channel` column uses the names.
    public var channelsByName: [String: ChannelID] {
        Dictionary(descriptors.map { ($0.name, $0.id) }, uniquingKeysWith: { first, _ in first })
    }

    /// Each channel's name as finance staff say it, in `language`, by channel id (for reports).
    public func displayNames(in language: ReportLanguage) -> [String: String] {
        Dictionary(descriptors.map { ($0.id.rawValue, language.pick($0.displayName)) }, uniquingKeysWith: { first, _ in first })
    }

    /// The merchant's account with each channel it configures (by channel id), as reports name it.
    public func accounts(of merchant: MerchantProfile) -> [String: String] {
        var accounts: [String: String] = [:]
        for descriptor in descriptors {
            guard let key = descriptor.accountKey, let block = merchant.block(for: descriptor.id),
                let account = try? block.optionalString(key)
            else { continue }
            accounts[descriptor.id.rawValue] = account
        }
        return accounts
    }

    /// A reconciler for the business day `date` with the channels' advice for unmatched
    /// combined-settlement legs.
    public func reconciler(date: String, cutOff: TimeInterval = 600, language: ReportLanguage = .en) throws -> Reconciler {
        try Reconciler(
            date: date, cutOff: cutOff, unmatchedLegActions: descriptors.reduce(into: [:]) { $0[$1.id] = $1.unmatchedLegAction }, language: language)
    }

    /// The channel named `name` (its `ChannelDescriptor/name`), or nil.
    public func descriptor(named name: String) -> ChannelDescriptor? {
        descriptors.first { $0.name == name }
    }

    /// The channel `id`, or a configuration error naming the known ones.
    public func descriptor(for id: ChannelID) throws(ConfigurationError) -> ChannelDescriptor {
        guard let descriptor = descriptors.first(where: { $0.id == id }) else {
            throw ConfigurationError(.invalidValue, "\(id) is not a registered channel (\(names.joined(separator: ", ")))")
        }
        return descriptor
    }

    /// Loads the configuration file at `path`, whose merchants may hold a block for each registered
    /// channel (named by its id).
    public func loadConfiguration(
        path: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationError) -> HISPayConfiguration {
        let configuration = try HISPayConfiguration.load(path: path, environment: environment, channels: descriptors.map(\.id))
        _ = try PartnerFormat.all(in: configuration.root)  // a bad partners block fails here, not at reconcile
        return configuration
    }

    /// What a descriptor builds from: `merchant`'s block for `id`.
    public func setup(
        _ id: ChannelID, merchant: MerchantProfile, transports: any TransportProvider, time: any TimeSource = SystemTimeSource(), logger: Logger = .silent
    ) throws(ConfigurationError) -> ChannelSetup {
        guard let block = merchant.block(for: id) else {
            throw ConfigurationError(.missingKey, "merchant \(merchant.name) has no \"\(id)\" block")
        }
        return ChannelSetup(block: block, merchant: merchant.name, transports: transports, time: time, logger: logger)
    }

    /// The channel `id` of `merchant`.
    public func channel(
        _ id: ChannelID, merchant: MerchantProfile, transports: any TransportProvider, time: any TimeSource = SystemTimeSource(), logger: Logger = .silent
    ) throws -> any PaymentChannel {
        let descriptor = try descriptor(for: id)
        guard let make = descriptor.makeChannel else {
            throw ConfigurationError(.invalidValue, "\(id) is not a payment channel: it takes no payments of its own")
        }
        return try make(try setup(id, merchant: merchant, transports: transports, time: time, logger: logger))
    }

    /// The callback verifier of channel `id` of `merchant`.
    public func verifier(
        _ id: ChannelID, merchant: MerchantProfile, transports: any TransportProvider, time: any TimeSource = SystemTimeSource(), logger: Logger = .silent
    ) throws -> any CallbackVerifier {
        guard let verifier = try descriptor(for: id).makeVerifier(try setup(id, merchant: merchant, transports: transports, time: time, logger: logger)) else {
            throw ConfigurationError(.missingKey, "merchant \(merchant.name)'s \"\(id)\" block configures no callbacks")
        }
        return verifier
    }

    /// The callback routes of every merchant profile in `configuration`: each configured channel
    /// that takes callbacks, by the profile's name. The verifiers check the merchant ids themselves.
    public func callbackRoutes(
        _ configuration: HISPayConfiguration, transports: any TransportProvider, logger: Logger = .silent
    ) throws -> [String: [ChannelID: NotificationCentre.Route]] {
        var routes: [String: [ChannelID: NotificationCentre.Route]] = [:]
        for merchant in configuration.merchants {
            var channels: [ChannelID: NotificationCentre.Route] = [:]
            for id in merchant.channels {
                let setup = try setup(id, merchant: merchant, transports: transports, logger: logger)
                if let verifier = try descriptor(for: id).makeVerifier(setup) { channels[id] = .init(verifier: verifier) }
            }
            routes[merchant.name] = channels
        }
        return routes
    }

    /// The payment channels of every merchant profile in `configuration` that can be built (what the
    /// resolver queries). A channel that cannot be built here — its block holds verification
    /// material only, as on a machine that faces the channels — is left out, with a warning to
    /// `logger` naming it and why.
    public func paymentChannels(
        _ configuration: HISPayConfiguration, transports: any TransportProvider, logger: Logger = .silent
    ) -> [String: [ChannelID: any PaymentChannel]] {
        var channels: [String: [ChannelID: any PaymentChannel]] = [:]
        for merchant in configuration.merchants {
            var built: [ChannelID: any PaymentChannel] = [:]
            for id in merchant.channels where (try? descriptor(for: id).makeChannel) != nil {
                do {
                    built[id] = try channel(id, merchant: merchant, transports: transports, logger: logger)
                } catch {
                    logger.warning("merchant \(merchant.name): \(id) is not queried here (\(error)); its callbacks are still verified")
                }
            }
            channels[merchant.name] = built
        }
        return channels
    }

    /// The statement parser of the channel named `name`.
    public func statementParser(named name: String) throws(ConfigurationError) -> any StatementParser {
        guard let descriptor = descriptor(named: name) else {
            throw ConfigurationError(.invalidValue, "\(name) is not a channel (\(names.joined(separator: ", ")))")
        }
        return try statementParser(of: descriptor)
    }

    /// The statement parser of channel `id`.
    public func statementParser(for id: ChannelID) throws(ConfigurationError) -> any StatementParser {
        try statementParser(of: descriptor(for: id))
    }

    private func statementParser(of descriptor: ChannelDescriptor) throws(ConfigurationError) -> any StatementParser {
        guard let parser = descriptor.statementParser else {
            throw ConfigurationError(.invalidValue, "\(descriptor.name) has no statement format")
        }
        return parser
    }

    /// The hospital-side insurance client of `merchant` (its `insurance` block).
    public func insuranceClient(merchant: MerchantProfile, transports: any TransportProvider) throws -> NHSAClient {
        let setup = try setup(.insurance, merchant: merchant, transports: transports)
        return NHSAClient(profile: try NHSAProfile(block: setup.block), transport: transports.transport())
    }

    /// The mobile-payment centre client of `merchant` (`insurance.mobilePay`).
    public func mobilePayClient(merchant: MerchantProfile, transports: any TransportProvider) throws -> MobilePayClient {
        guard let block = try setup(.insurance, merchant: merchant, transports: transports).block.block("mobilePay") else {
            throw ConfigurationError(.missingKey, "merchant \(merchant.name) has no \"insurance.mobilePay\" block")
        }
        return try MobilePayClient(block: block, transport: transports.transport())
    }
}
