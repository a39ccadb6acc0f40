import Foundation

/// Identifies an order at the channel: by the hospital's merchant order number, the channel's
/// transaction id, or both.
public struct OrderReference: Hashable, Sendable, CustomStringConvertible {
    public var outTradeNo: String?
    public var transactionID: String?
    /// When the original request was sent. UnionPay finds an order by merchant order number *and*
    /// request time; a channel remembers the times of the requests it sent itself.
    public var requestTime: Date?

    /// By merchant order number (商户订单号).
    public static func outTradeNo(_ value: String) -> OrderReference { OrderReference(outTradeNo: value) }
    /// By the channel's transaction id (微信支付订单号 / 支付宝交易号 / queryId).
    public static func transactionID(_ value: String) -> OrderReference { OrderReference(transactionID: value) }

    public init(outTradeNo: String? = nil, transactionID: String? = nil, requestTime: Date? = nil) {
        self.outTradeNo = outTradeNo
        self.transactionID = transactionID
        self.requestTime = requestTime
    }

    public var description: String {
        [outTradeNo.map { "outTradeNo=\($0)" }, transactionID.map { "transactionID=\($0)" }]
            .compactMap { $0 }.joined(separator: ",")
    }
}
