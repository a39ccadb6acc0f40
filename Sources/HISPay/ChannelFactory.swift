import Foundation
import HISPayCore
import HISPayCurl
import HISPayStore
import Logging
import MedicalInsurance
import Alipay
import UnionPay
import WeChatPay

/// Builds the channels a merchant profile configures, on the libcurl transport.
public enum ChannelFactory {
    /// The cash channel `channel` of `merchant` (WeChat Pay v3 or v2, Alipay, UnionPay).
    public static func paymentChannel(
        _ channel: ChannelID, merchant: MerchantProfile, transport settings: CurlTransport.Configuration
    ) throws -> any PaymentChannel {
        guard let block = merchant.block(for: channel) else {
            throw ConfigurationError(.missingKey, "merchant \(merchant.name) has no \"\(channel)\" block")
        }
        switch channel {
        case .wechatPay:
            return WeChatPayV3Channel(configuration: try WeChatPayV3Configuration(block: block), transport: CurlTransport(configuration: settings))
        case .wechatPayV2:
            return WeChatPayV2Channel(configuration: try WeChatPayV2Configuration(block: block), transport: settings)
        case .alipay:
            return AlipayChannel(configuration: try AlipayConfiguration(block: block), transport: CurlTransport(configuration: settings))
        case .unionPay:
            return UnionPayChannel(configuration: try UnionPayConfiguration(block: block), transport: CurlTransport(configuration: settings))
        default:
            throw ConfigurationError(.invalidValue, "\(channel) is not a cash payment channel")
        }
    }

    /// The hospital-side insurance client of `merchant`.
    public static func insuranceClient(merchant: MerchantProfile, transport settings: CurlTransport.Configuration) throws -> NHSAClient {
        guard let block = merchant.block(for: .insurance) else {
            throw ConfigurationError(.missingKey, "merchant \(merchant.name) has no \"insurance\" block")
        }
        return NHSAClient(profile: try NHSAProfile(block: block), transport: CurlTransport(configuration: settings))
    }

    /// The mobile-payment centre client of `merchant` (`insurance.mobilePay`).
    public static func mobilePayClient(merchant: MerchantProfile, transport settings: CurlTransport.Configuration) throws -> MobilePayClient {
        guard let block = try merchant.block(for: .insurance)?.block("mobilePay") else {
            throw ConfigurationError(.missingKey, "merchant \(merchant.name) has no \"insurance.mobilePay\" block")
        }
        return try MobilePayClient(block: block, transport: CurlTransport(configuration: settings))
    }

    /// The callback routes of every merchant profile in `configuration`: each configured channel
    /// (WeChat Pay v3 and v2, Alipay, UnionPay, and the mobile-payment centre of `insurance`) by the
    /// profile's name. The adapters check the merchant ids themselves.
    public static func callbackRoutes(
        _ configuration: HISPayConfiguration, transport settings: CurlTransport.Configuration,
        logger: Logger = .silent
    ) throws -> [String: [ChannelID: NotificationCentre.Route]] {
        var routes: [String: [ChannelID: NotificationCentre.Route]] = [:]
        for merchant in configuration.merchants {
            var channels: [ChannelID: NotificationCentre.Route] = [:]
            for channel in merchant.channels {
                if channel == .insurance {
                    guard let block = try merchant.block(for: .insurance)?.block("mobilePay") else { continue }
                    channels[channel] = .init(channel: MobilePayCallbackChannel(credentials: try MobilePayCredentials(block: block), logger: logger), merchantID: nil)
                } else {
                    channels[channel] = .init(channel: try paymentChannel(channel, merchant: merchant, transport: settings), merchantID: nil)
                }
            }
            routes[merchant.name] = channels
        }
        return routes
    }
}
