/// An APIv3 transaction, as in query answers and `TRANSACTION.SUCCESS` resources.
struct WeChatPayTransaction: Decodable, Sendable {
    struct AmountField: Decodable, Sendable {
        let total: Int64
        let payerTotal: Int64?
        enum CodingKeys: String, CodingKey {
            case total
            case payerTotal = "payer_total"
        }
    }

    let merchantID: String?
    let subMerchantID: String?
    let outTradeNo: String
    let transactionID: String?
    let tradeState: String
    let tradeType: String?
    let successTime: String?
    let amount: AmountField?

    enum CodingKeys: String, CodingKey {
        case amount
        case merchantID = "mchid"
        case subMerchantID = "sub_mchid"
        case outTradeNo = "out_trade_no"
        case transactionID = "transaction_id"
        case tradeState = "trade_state"
        case tradeType = "trade_type"
        case successTime = "success_time"
    }
}
