import HISPayCore

/// A merchant's card rules, from its configuration block `hospitalcard`: which channels top a card
/// up, and how long after a top-up each channel still takes its refund — past that, a withdrawal
/// pays that part in cash.
///
/// ```json
/// "hospitalcard": {"topUpChannels": ["wechatpay", "alipay", "unionpay", "cash"],
///                  "refundWindowDays": {"wechatpay": 365, "alipay": 90, "unionpay": 330}}
/// ```
public struct HospitalCardSettings: Sendable, Hashable {
    /// The channels a top-up may be paid on (`cash`: at the counter or a kiosk).
    public var topUpChannels: [String]
    /// Days after its payment that a channel still refunds a top-up.
    public var refundWindowDays: [String: Int]

    /// The windows public sources give, each counted from the top-up's payment:
    /// - WeChat Pay: 365 days — "交易时间超过一年的订单无法提交退款（按支付成功时间+365天计算）"
    ///   (pay.weixin.qq.com/doc/v3/merchant/4012556457, 退款申请).
    /// - Alipay: the refund period agreed at signing — "交易超过约定时间（签约时设置的可退款时间）的订单无法进行退款"
    ///   (alipay.trade.refund) — three months unless agreed otherwise (developer.aliyun.com/article/711070);
    ///   Alipay's international documentation says 12 months (docs.antom.com), which is not the domestic
    ///   contract. 90 days.
    /// - UnionPay: "退货能对11个月内的消费做" (UnionPay's ACP demo, Form_6_4_Refund, as published in
    ///   hectorqin/lpays src/libs/upacp_apple_pay/demo/api_05_app/Form_6_4_Refund.php): 330 days.
    /// A hospital whose contract says otherwise sets its own.
    public static let defaultRefundWindowDays = ["wechatpay": 365, "wechatpayV2": 365, "alipay": 90, "unionpay": 330]

    public init(topUpChannels: [String] = ["wechatpay", "alipay", "unionpay", "cash"], refundWindowDays: [String: Int] = Self.defaultRefundWindowDays) {
        self.topUpChannels = topUpChannels
        self.refundWindowDays = refundWindowDays
    }

    /// The settings of a `hispay.json` block; absent keys take the defaults.
    public init(block: ConfigBlock) throws(ConfigurationError) {
        try block.rejectUnknownKeys(allowed: ["topUpChannels", "refundWindowDays"])
        self.init()
        if block.has("topUpChannels") {
            guard case .array(let items)? = block.entries["topUpChannels"], case let names = items.compactMap(\.text), names.count == items.count, !names.isEmpty else {
                throw ConfigurationError(.invalidValue, "\(block.path).topUpChannels must be a list of channel names")
            }
            topUpChannels = names
        }
        if let windows = try block.block("refundWindowDays") {
            for key in windows.keys {
                guard let days = try windows.int(key), days >= 0 else {
                    throw ConfigurationError(.invalidValue, "\(windows.path).\(key) must be a number of days, 0 or more")
                }
                refundWindowDays[key] = days
            }
        }
    }
}
