import Foundation
import HISPayCore
import HISPayCrypto

extension WeChatPayV3Channel {
    /// Places a medical-insurance mixed order (`POST /v3/med-ins/orders`) after checking it
    /// (``WeChatMedInsOrder/validate()``); the patient's name and ID digest are RSA-OAEP encrypted
    /// to the platform key named in `Wechatpay-Serial`. A timeout is `Outcome/unknown(_:)`:
    /// query by `outTradeNo` — never place the order again under a new number.
    public func placeMedInsOrder(_ order: WeChatMedInsOrder) async throws -> Outcome<WeChatMedInsOrderStatus> {
        try order.validate()
        let (serial, key) = try currentPlatformKeys.encryptionKey(at: time.now())
        var body: [String: Any] = [
            "mix_pay_type": order.mixPayType.rawValue, "order_type": order.orderType,
            "payer": try Self.encrypted(order.payer, to: key), "pay_for_relatives": order.relative != nil,
            "out_trade_no": order.outTradeNo, "serial_no": order.serialNo, "city_id": order.cityID,
            "med_inst_name": order.institutionName, "med_inst_no": order.institutionCode,
            "total_fee": order.split.total.fen, "med_ins_gov_fee": order.split.fund.fen,
            "med_ins_self_fee": order.split.personalAccount.fen, "med_ins_other_fee": order.split.other.fen,
            "med_ins_cash_fee": order.split.insuranceCash.fen, "wechat_pay_cash_fee": order.split.wechatPayCash.fen,
            "callback_url": order.callbackURL,
        ]
        if configuration.isPartner {
            body["sub_mchid"] = configuration.subMerchantID
            body["sp_appid"] = configuration.appID
            body["sub_appid"] = configuration.subAppID
            body["sub_openid"] = order.openID
        } else {
            body["appid"] = configuration.appID
            body["openid"] = order.openID
        }
        if let relative = order.relative { body["relative"] = try Self.encrypted(relative, to: key) }
        if !order.split.cashAdd.isEmpty {
            body["cash_add_detail"] = order.split.cashAdd.map { ["cash_add_fee": $0.amount.fen, "cash_add_type": $0.type] }
        }
        if !order.split.cashReduce.isEmpty {
            body["cash_reduce_detail"] = order.split.cashReduce.map { ["cash_reduce_fee": $0.amount.fen, "cash_reduce_type": $0.type] }
        }
        let optional: [(String, String?)] = [
            ("pay_order_id", order.payOrderID), ("pay_auth_no", order.payAuthNo), ("geo_location", order.geoLocation),
            ("med_ins_order_create_time", order.insuranceOrderCreatedAt.map(WeChatPayV3Time.format)),
            ("prepay_id", order.prepayID), ("passthrough_request_content", order.passthroughRequestContent), ("attach", order.attach),
        ]
        for case let (name, value?) in optional { body[name] = value }
        if order.insuranceTestEnvironment { body["med_ins_test_env"] = true }
        let answer = try await call("POST", "/v3/med-ins/orders", body: body, operation: .pay, extraHeaders: ["Wechatpay-Serial": serial])
        guard let json = answer.success else { return answer.outcome() }
        return try WeChatMedInsOrderStatus(json: json).outcome(httpStatus: answer.status)
    }

    /// Queries a mixed order by WeChat's `mix_trade_no` or, when that is nil, by `outTradeNo`.
    public func queryMedInsOrder(mixTradeNo: String? = nil, outTradeNo: String? = nil) async throws -> Outcome<WeChatMedInsOrderStatus> {
        var path: String
        if let mixTradeNo {
            path = "/v3/med-ins/orders/mix-trade-no/\(mixTradeNo)"
        } else if let outTradeNo {
            path = "/v3/med-ins/orders/out-trade-no/\(outTradeNo)"
        } else {
            throw ChannelError(.invalidRequest, channel: id, operation: .query, reason: "a med-ins order query needs mixTradeNo or outTradeNo")
        }
        if let subMerchantID = configuration.subMerchantID { path += "?sub_mchid=\(subMerchantID)" }
        let answer = try await call("GET", path, body: nil, operation: .query)
        guard let json = answer.success else { return answer.outcome() }
        return try WeChatMedInsOrderStatus(json: json).outcome(httpStatus: answer.status)
    }

    /// Sends a ``WeChatMedInsRefundNotice`` after the NHSA refunded the insurance part. Success
    /// once WeChat accepted it; a timeout is unknown — send the same notice again.
    public func notifyMedInsRefund(_ notice: WeChatMedInsRefundNotice) async throws -> Outcome<WeChatMedInsRefundNotice> {
        try notice.validate()
        var body: [String: Any] = [
            "med_refund_total_fee": notice.total.fen, "med_refund_gov_fee": notice.fund.fen,
            "med_refund_self_fee": notice.personalAccount.fen, "med_refund_other_fee": notice.other.fen,
            "refund_time": WeChatPayV3Time.format(notice.refundedAt), "out_refund_no": notice.outRefundNo,
        ]
        if let subMerchantID = configuration.subMerchantID { body["sub_mchid"] = subMerchantID }
        let answer = try await call("POST", "/v3/med-ins/refunds/notify?mix_trade_no=\(notice.mixTradeNo)", body: body, operation: .refund)
        guard answer.success != nil else { return answer.outcome() }
        return .success(notice, answer.channelStatus)
    }

    /// `{name, id_digest, card_type}` with name and the MD5 of the upper-cased ID number
    /// encrypted (RSA-OAEP, base64) to the platform key.
    private static func encrypted(_ patient: WeChatMedInsOrder.Patient, to key: PublicKey) throws -> [String: Any] {
        let digest = Hex.encode(try DigestAlgorithm.md5.hash(patient.idNumber.uppercased()))
        return [
            "name": Base64.encode(try RSAOAEP.encrypt(Array(patient.name.utf8), to: key)),
            "id_digest": Base64.encode(try RSAOAEP.encrypt(Array(digest.utf8), to: key)),
            "card_type": patient.cardType,
        ]
    }
}
