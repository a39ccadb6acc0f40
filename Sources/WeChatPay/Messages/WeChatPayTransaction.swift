/// An APIv3 transaction, as in query answers and `TRANSACTION.SUCCESS` resources.
struct WeChatPayTransaction: Sendable {
    struct AmountField: Sendable {
        let total: Int64
        let payerTotal: Int64?
    }

    let merchantID: String?
    let subMerchantID: String?
    let outTradeNo: String
    let transactionID: String?
    let tradeState: String
    let tradeType: String?
    let successTime: String?
    let amount: AmountField?

    init(_ json: WeChatPayJSONObject) throws(WeChatPayJSONObject.Problem) {
        merchantID = try json.optionalString("mchid")
        subMerchantID = try json.optionalString("sub_mchid")
        outTradeNo = try json.string("out_trade_no")
        transactionID = try json.optionalString("transaction_id")
        tradeState = try json.string("trade_state")
        tradeType = try json.optionalString("trade_type")
        successTime = try json.optionalString("success_time")
        amount = try json.optionalObject("amount").map { amount throws(WeChatPayJSONObject.Problem) in
            AmountField(total: try amount.int64("total"), payerTotal: try amount.optionalInt64("payer_total"))
        }
    }
}
