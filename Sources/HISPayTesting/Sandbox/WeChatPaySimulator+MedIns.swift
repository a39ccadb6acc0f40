import Foundation
import HISPayCore
import HISPayCrypto
import WeChatPay

/// WeChat Pay's medical-insurance mixed orders (医保自费混合收款, `/v3/med-ins/…`) as the adapter uses
/// them: the order names the platform key it encrypted the patient to (`Wechatpay-Serial`), its split
/// must add up, and its cash part is the JSAPI order prepaid under the same `out_trade_no`. When that
/// order is paid — or, for an insurance-only order, `payDelay` after placing — the mixed order is
/// paid and its insurance part settled with the sandbox's mobile-payment centre (`payOrdId`). The
/// refund notice marks it refunded.
extension WeChatPaySimulator {
    struct MedInsOrder: Codable {
        var mixTradeNo: String
        var outTradeNo: String
        var split: [String: Int64]
        var payOrderID: String?
        var status: String
        var paidAt: Date?
        var cashLeg: Bool
    }

    static let splitKeys = ["total_fee", "med_ins_gov_fee", "med_ins_self_fee", "med_ins_other_fee", "med_ins_cash_fee", "wechat_pay_cash_fee"]

    func medIns(method: String, path: String, query: String, _ json: [String: Any], serial: String?) -> SandboxResponse {
        switch (method, path) {
        case ("POST", "/v3/med-ins/orders"):
            return placeMedIns(json, serial: serial)
        case ("GET", let path) where path.hasPrefix("/v3/med-ins/orders/out-trade-no/"):
            return medInsStatus(medInsOrders[String(path.dropFirst("/v3/med-ins/orders/out-trade-no/".count))])
        case ("GET", let path) where path.hasPrefix("/v3/med-ins/orders/mix-trade-no/"):
            let mixTradeNo = String(path.dropFirst("/v3/med-ins/orders/mix-trade-no/".count))
            return medInsStatus(medInsOrders.values.first { $0.mixTradeNo == mixTradeNo })
        case ("POST", "/v3/med-ins/refunds/notify"):
            let mixTradeNo = query.components(separatedBy: "mix_trade_no=").last ?? ""
            guard let order = medInsOrders.values.first(where: { $0.mixTradeNo == mixTradeNo }), order.status == "MIX_PAY_SUCCESS" || order.status == "MIX_PAY_REFUND" else {
                return .error(404, "RESOURCE_NOT_EXISTS", "医保订单不存在或未支付")
            }
            guard json["out_refund_no"] is String, let total = json["med_refund_total_fee"] as? Int, total >= 0 else {
                return .error(400, "PARAM_ERROR", "out_refund_no and med_refund_total_fee are required")
            }
            medInsOrders[order.outTradeNo]?.status = "MIX_PAY_REFUND"
            return SandboxResponse(status: 204)
        default:
            return .error(404, "NOT_FOUND", "no such API in the sandbox: \(method) \(path)")
        }
    }

    private func placeMedIns(_ json: [String: Any], serial: String?) -> SandboxResponse {
        guard serial == keys.platformPublicKeyID else { return .error(400, "PARAM_ERROR", "Wechatpay-Serial must name the platform key the fields are encrypted to") }
        guard let payer = json["payer"] as? [String: Any], let name = (payer["name"] as? String).flatMap({ try? Base64.decode($0) }),
            (try? RSAOAEP.decrypt(name, with: keys.platformKey)) != nil, let digest = (payer["id_digest"] as? String).flatMap({ try? Base64.decode($0) }),
            (try? RSAOAEP.decrypt(digest, with: keys.platformKey)) != nil
        else { return .error(400, "PARAM_ERROR", "payer.name and payer.id_digest must be encrypted to the platform key") }
        guard let outTradeNo = json["out_trade_no"] as? String, let mixType = json["mix_pay_type"] as? String else {
            return .error(400, "PARAM_ERROR", "out_trade_no and mix_pay_type are required")
        }
        var split: [String: Int64] = [:]
        for key in Self.splitKeys {
            guard let fen = json[key] as? Int, fen >= 0 else { return .error(400, "PARAM_ERROR", "\(key) must be a whole number of fen") }
            split[key] = Int64(fen)
        }
        let parts = WeChatMedInsSplit(
            total: Amount(fen: split["total_fee"] ?? 0), fund: Amount(fen: split["med_ins_gov_fee"] ?? 0), personalAccount: Amount(fen: split["med_ins_self_fee"] ?? 0),
            other: Amount(fen: split["med_ins_other_fee"] ?? 0), insuranceCash: Amount(fen: split["med_ins_cash_fee"] ?? 0),
            wechatPayCash: Amount(fen: split["wechat_pay_cash_fee"] ?? 0))
        do { try parts.validate() } catch { return .error(400, "PARAM_ERROR", error.reason) }
        let cashLeg = mixType != "INSURANCE_ONLY"
        if cashLeg {
            guard let prepay = json["prepay_id"] as? String, let cash = orders[outTradeNo], prepay == "wx\(cash.transactionID)", cash.amount == split["wechat_pay_cash_fee"] else {
                return .error(400, "PARAM_ERROR", "prepay_id must be the JSAPI order of out_trade_no for wechat_pay_cash_fee")
            }
        }
        if let existing = medInsOrders[outTradeNo] { return .json(200, statusJSON(existing)) }
        let order = MedInsOrder(
            mixTradeNo: nextID("MIX"), outTradeNo: outTradeNo, split: split, payOrderID: json["pay_order_id"] as? String, status: "MIX_PAY_CREATED", cashLeg: cashLeg)
        medInsOrders[outTradeNo] = order
        if cashLeg, orders[outTradeNo]?.state == "SUCCESS" { medInsCashPaid(outTradeNo) }
        if !cashLeg {
            let delay = payDelay
            Task { [weak self] in
                try? await Task.sleep(for: delay)
                await self?.medInsPaid(outTradeNo)
            }
        }
        return .json(200, statusJSON(order))
    }

    /// The cash order `outTradeNo` was paid: its mixed order, if any, is paid with it.
    func medInsCashPaid(_ outTradeNo: String) {
        guard medInsOrders[outTradeNo]?.cashLeg == true else { return }
        medInsPaid(outTradeNo)
    }

    func medInsPaid(_ outTradeNo: String) {
        guard var order = medInsOrders[outTradeNo], order.status == "MIX_PAY_CREATED" else { return }
        order.status = "MIX_PAY_SUCCESS"
        order.paidAt = clock.now()
        medInsOrders[outTradeNo] = order
        if let payOrderID = order.payOrderID, let settle = insuranceSettlement { Task { await settle(payOrderID) } }
    }

    private func medInsStatus(_ order: MedInsOrder?) -> SandboxResponse {
        guard let order else { return .error(404, "RESOURCE_NOT_EXISTS", "医保订单不存在") }
        var json = statusJSON(order)
        for (key, fen) in order.split { json[key] = fen }
        return .json(200, json)
    }

    private func statusJSON(_ order: MedInsOrder) -> [String: Any] {
        let leg = order.status == "MIX_PAY_CREATED" ? "CREATED" : order.status == "MIX_PAY_REFUND" ? "REFUND" : "SUCCESS"
        var json: [String: Any] = [
            "mix_trade_no": order.mixTradeNo, "out_trade_no": order.outTradeNo, "mix_pay_status": order.status,
            "self_pay_status": order.cashLeg ? "SELF_PAY_\(leg)" : "NO_SELF_PAY", "med_ins_pay_status": "MED_INS_PAY_\(leg)",
        ]
        if let paidAt = order.paidAt { json["paid_time"] = BeijingTime.iso8601(paidAt) }
        return json
    }
}
