import ArgumentParser

/// The `--channel` values the channel commands accept.
enum ChannelOption: String, ExpressibleByArgument, CaseIterable {
    case wechatpay
    case wechatpayV2 = "wechatpay-v2"
    case alipay
    case unionpay
    case insurance
}
