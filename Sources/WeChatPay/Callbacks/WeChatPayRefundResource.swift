/// An APIv3 refund, as in refund answers and `REFUND.*` resources.
struct WeChatPayRefundResource: Decodable, Sendable {
    struct AmountField: Decodable, Sendable {
        let total: Int64
        let refund: Int64
    }

    let merchantID: String?
    let subMerchantID: String?
    let outTradeNo: String
    let transactionID: String?
    let outRefundNo: String
    let refundID: String
    let refundStatus: String
    let successTime: String?
    let amount: AmountField

    enum CodingKeys: String, CodingKey {
        case amount
        case merchantID = "mchid"
        case subMerchantID = "sub_mchid"
        case outTradeNo = "out_trade_no"
        case transactionID = "transaction_id"
        case outRefundNo = "out_refund_no"
        case refundID = "refund_id"
        case refundStatus = "refund_status"
        case successTime = "success_time"
    }
}
