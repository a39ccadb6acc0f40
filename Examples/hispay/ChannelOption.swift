import ArgumentParser
import HISPay

/// The `--channel` values the channel commands accept.
enum ChannelOption: String, ExpressibleByArgument, CaseIterable {
    case wechatpay
    case wechatpayV2 = "wechatpay-v2"
    case alipay
    case unionpay
    case insurance

    /// The channel this option names.
    var channelID: ChannelID {
        switch self {
        case .wechatpay: .wechatPay
        case .wechatpayV2: .wechatPayV2
        case .alipay: .alipay
        case .unionpay: .unionPay
        case .insurance: .insurance
        }
    }
}
