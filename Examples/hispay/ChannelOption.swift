import ArgumentParser

/// The `--channel` values the WeChat Pay commands accept.
enum WeChatChannelOption: String, ExpressibleByArgument, CaseIterable {
    case wechatpay
    case wechatpayV2 = "wechatpay-v2"
}
