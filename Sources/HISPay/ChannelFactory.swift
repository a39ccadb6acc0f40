import Foundation
import HISPayCore
import HISPayCurl
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
        return MobilePayClient(
            credentials: try MobilePayCredentials(block: block), gateway: try block.string("gateway"), transport: CurlTransport(configuration: settings))
    }
}
