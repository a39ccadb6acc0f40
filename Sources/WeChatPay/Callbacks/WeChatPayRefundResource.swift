/// An APIv3 refund, as in refund answers and `REFUND.*` resources.
struct WeChatPayRefundResource: Sendable {
    struct AmountField: Sendable {
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

    init(_ json: WeChatPayJSONObject) throws(WeChatPayJSONObject.Problem) {
        merchantID = try json.optionalString("mchid")
        subMerchantID = try json.optionalString("sub_mchid")
        outTradeNo = try json.string("out_trade_no")
        transactionID = try json.optionalString("transaction_id")
        outRefundNo = try json.string("out_refund_no")
        refundID = try json.string("refund_id")
        refundStatus = try json.string("refund_status")
        successTime = try json.optionalString("success_time")
        let amount = try json.object("amount")
        self.amount = AmountField(total: try amount.int64("total"), refund: try amount.int64("refund"))
    }
}
