import Foundation
import HISPayCore
import HISPayCrypto
import WeChatPay

/// WeChat Pay's legacy APIv2 over the same orders as APIv3 (an order placed one way can be queried
/// the other, as on the real platform): XML requests signed with the v2 API key (MD5, or HMAC-SHA256
/// when `sign_type` says so), signed XML answers — `return_code` for the gateway, `result_code` and
/// `err_code` for the business — payment notifications signed the same way and refund notifications
/// whose `req_info` is AES-256-ECB under the MD5 of the API key. The sandbox is plain HTTP on
/// loopback, so the client certificate refunds and reversals present is carried but not checked.
extension WeChatPaySimulator {
    /// Answers one APIv2 request — `path` is the API's (`/pay/unifiedorder`, `/pay/micropay`,
    /// `/pay/orderquery`, `/pay/closeorder`, `/secapi/pay/reverse`, `/secapi/pay/refund`,
    /// `/pay/refundquery`, `/pay/downloadbill`); the sandbox serves them under `/v2` — with any fault
    /// injected for `/v2<path>`.
    public func handleLegacy(path: String, body: Data) async -> SandboxResponse {
        let fault = faults.take("/v2" + path)
        guard let fields = try? WeChatPayV2XML.parse(body) else { return legacyXML(["return_code": "FAIL", "return_msg": "XML格式错误"]) }
        let signer = WeChatPayV2Signer(apiKey: keys.apiV2Key, signType: fields["sign_type"] == "HMAC-SHA256" ? .hmacSHA256 : .md5)
        guard fields["mch_id"] == keys.merchantID, fields["appid"] == keys.appID else {
            return legacyXML(["return_code": "FAIL", "return_msg": "mch_id与appid不匹配"])
        }
        guard (try? signer.verify(fields)) != nil else { return legacyXML(["return_code": "FAIL", "return_msg": "签名错误"]) }
        if path == "/pay/downloadbill" {
            let date = fields["bill_date"] ?? ""
            guard date.count == 8, let day = BeijingTime.parse(date + "000000").map(BeijingTime.day) else {
                return legacyXML(["return_code": "FAIL", "return_msg": "invalid bill_date", "error_code": "20001"])
            }
            let bill = bill(for: day)
            return SandboxResponse(status: 200, headers: [("Content-Type", "text/plain;charset=utf-8")], body: fault == .truncatedStatement ? bill.prefix(bill.count / 2) : bill)
        }
        var result: [String: String]
        do {
            result = try legacyResult(path, fields, callbackFault: fault == .duplicateCallback || fault == .lateCallback ? fault : nil)
        } catch {
            result = ["result_code": "FAIL", "err_code": error.legacyCode, "err_code_des": error.message]
        }
        if fault == .serverError { result = ["result_code": "FAIL", "err_code": "SYSTEMERROR", "err_code_des": "系统错误"] }
        if fault == .slow { try? await Task.sleep(for: .seconds(3)) }
        var answer = result.merging(["return_code": "SUCCESS", "return_msg": "OK", "appid": keys.appID, "mch_id": keys.merchantID, "nonce_str": nextID("N")]) { $1 }
        answer["sign"] = try? signer.sign(answer)
        if fault == .badSignature, let sign = answer["sign"] { answer["sign"] = SandboxFault.forged(sign) }
        return legacyXML(answer)
    }

    private func legacyResult(_ path: String, _ fields: [String: String], callbackFault: SandboxFault?) throws(Refusal) -> [String: String] {
        func required(_ key: String) throws(Refusal) -> String {
            guard let value = fields[key], !value.isEmpty else { throw Refusal(400, "PARAM_ERROR", "缺少参数\(key)") }
            return value
        }
        func fen(_ key: String) throws(Refusal) -> Int64 {
            guard let value = Int64(try required(key)), value > 0 else { throw Refusal(400, "PARAM_ERROR", "\(key)不是正整数") }
            return value
        }
        let success = ["result_code": "SUCCESS"]
        switch path {
        case "/pay/unifiedorder":
            let tradeType = try required("trade_type")
            guard ["NATIVE", "JSAPI", "MWEB", "APP"].contains(tradeType) else { throw Refusal(400, "PARAM_ERROR", "trade_type不正确") }
            let order = try placeOrder(
                tradeType: tradeType, outTradeNo: try required("out_trade_no"), total: try fen("total_fee"), notifyURL: try required("notify_url"), description: fields["body"], legacy: true)
            orders[order.outTradeNo]?.callbackFault = callbackFault
            var answer = success.merging(["trade_type": tradeType, "prepay_id": "wx\(order.transactionID)"]) { $1 }
            if tradeType == "NATIVE" { answer["code_url"] = codeURL(order) }
            if tradeType == "MWEB" { answer["mweb_url"] = "https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=wx\(order.transactionID)" }
            return answer
        case "/pay/micropay":
            _ = try startCodePay(outTradeNo: try required("out_trade_no"), total: try fen("total_fee"), authCode: try required("auth_code"), description: fields["body"], legacy: true)
            throw Refusal(202, "USERPAYING", "需要用户输入支付密码")
        case "/pay/orderquery":
            let order = try poll(try required("out_trade_no"))
            let refunded = order.state == "SUCCESS" && orderHasRefunds(order.outTradeNo)
            var answer = success.merging([
                "out_trade_no": order.outTradeNo, "trade_state": refunded ? "REFUND" : order.state, "trade_state_desc": order.state, "total_fee": String(order.amount),
                "trade_type": order.tradeType, "fee_type": "CNY",
            ]) { $1 }
            if let paidAt = order.paidAt {
                answer.merge(["transaction_id": order.transactionID, "time_end": BeijingTime.compact(paidAt), "cash_fee": String(order.amount), "openid": "oSandbox", "bank_type": "OTHERS"]) { $1 }
            }
            return answer
        case "/pay/closeorder":
            try endOrder(try required("out_trade_no"), reverse: false)
            return success
        case "/secapi/pay/reverse":
            try endOrder(try required("out_trade_no"), reverse: true)
            return success.merging(["recall": "N"]) { $1 }
        case "/secapi/pay/refund":
            let record = try refundOrder(
                outTradeNo: fields["out_trade_no"], outRefundNo: try required("out_refund_no"), refund: try fen("refund_fee"), total: try fen("total_fee"),
                notifyURL: fields["notify_url"])
            return success.merging([
                "out_trade_no": record.outTradeNo, "transaction_id": record.transactionID, "out_refund_no": record.outRefundNo, "refund_id": record.refundID,
                "refund_fee": String(record.amount), "total_fee": String(record.total), "cash_fee": String(record.total),
            ]) { $1 }
        case "/pay/refundquery":
            guard let record = refundRecord(try required("out_refund_no")) else { throw Refusal(404, "REFUNDNOTEXIST", "退款订单查询失败") }
            return success.merging([
                "out_trade_no": record.outTradeNo, "transaction_id": record.transactionID, "total_fee": String(record.total), "refund_count": "1",
                "out_refund_no_0": record.outRefundNo, "refund_id_0": record.refundID, "refund_fee_0": String(record.amount), "refund_status_0": "SUCCESS",
                "refund_success_time_0": BeijingTime.format(record.at),
            ]) { $1 }
        default:
            throw Refusal(404, "NOT_FOUND", "the sandbox does not offer \(path)")
        }
    }

    /// The v2 payment notification: the order's fields, signed with the API key (MD5).
    func notifyLegacyPayment(_ url: String, _ order: Order) {
        var fields = [
            "return_code": "SUCCESS", "result_code": "SUCCESS", "appid": keys.appID, "mch_id": keys.merchantID, "nonce_str": nextID("N"),
            "openid": "oSandbox", "is_subscribe": "N", "trade_type": order.tradeType, "bank_type": "OTHERS", "total_fee": String(order.amount),
            "cash_fee": String(order.amount), "fee_type": "CNY", "transaction_id": order.transactionID, "out_trade_no": order.outTradeNo,
            "time_end": BeijingTime.compact(order.paidAt ?? clock.now()),
        ]
        fields["sign"] = try? WeChatPayV2Signer(apiKey: keys.apiV2Key).sign(fields)
        SandboxFault.deliver(legacyRequest(url, fields), fault: order.callbackFault, with: deliver)
    }

    /// The v2 refund notification: `req_info` is the refund's `<root>` document, AES-256-ECB
    /// encrypted under the lower-case hex MD5 of the API key, base64.
    func notifyLegacyRefund(_ url: String, _ record: RefundRecord) {
        let inner = [
            "transaction_id": record.transactionID, "out_trade_no": record.outTradeNo, "refund_id": record.refundID, "out_refund_no": record.outRefundNo,
            "total_fee": String(record.total), "settlement_total_fee": String(record.total), "refund_fee": String(record.amount),
            "settlement_refund_fee": String(record.amount), "refund_status": "SUCCESS", "success_time": BeijingTime.format(record.at),
            "refund_recv_accout": "支付用户零钱", "refund_account": "REFUND_SOURCE_RECHARGE_FUNDS", "refund_request_source": "API",
        ]
        let document = String(decoding: WeChatPayV2XML.build(inner), as: UTF8.self).replacingOccurrences(of: "<xml>", with: "<root>").replacingOccurrences(of: "</xml>", with: "</root>")
        guard let key = try? DigestAlgorithm.md5.hash(keys.apiV2Key), let cipher = try? BlockCipher(.aes256ECB, key: Array(Hex.encode(key).utf8)),
            let sealed = try? cipher.encrypt(Array(document.utf8))
        else { return }
        let fields = ["return_code": "SUCCESS", "appid": keys.appID, "mch_id": keys.merchantID, "nonce_str": nextID("N"), "req_info": Base64.encode(sealed)]
        SandboxFault.deliver(legacyRequest(url, fields), fault: nil, with: deliver)
    }

    private func orderHasRefunds(_ outTradeNo: String) -> Bool { refunds.values.contains { $0.outTradeNo == outTradeNo } }

    private func legacyRequest(_ url: String, _ fields: [String: String]) -> HTTPRequest {
        HTTPRequest(method: "POST", url: url, headers: ["Content-Type": "text/xml; charset=utf-8"], body: WeChatPayV2XML.build(fields))
    }

    private func legacyXML(_ fields: [String: String]) -> SandboxResponse {
        SandboxResponse(status: 200, headers: [("Content-Type", "text/xml; charset=utf-8")], body: WeChatPayV2XML.build(fields))
    }
}
