import Alipay
import Foundation
import HISPayCompression
import HISPayCore
import HISPayCrypto

/// The Alipay OpenAPI gateway as the adapter uses it, in memory: form-encoded requests whose RSA2
/// signature is checked against the app's public key, answers `{"<method>_response": {…}, "sign": …}`
/// signed over the exact response text with the sandbox's "Alipay" key, and asynchronous trade
/// notifications (form, signed, acknowledged with `success`).
///
/// QR (`precreate`) and JSAPI (`create`) orders are paid `payDelay` after they are placed; a barcode
/// payment (`alipay.trade.pay`) answers `10003` and is paid after `passwordPolls` queries (never for an
/// auth code ending in `0000`); close, cancel, refund (idempotent by `out_request_no`) and refund query
/// behave like the gateway's; a fund authorisation (`alipay.fund.auth.order.freeze`) freezes at once,
/// `alipay.trade.pay` with its `auth_no` takes from it and `unfreeze` releases the rest.
public actor AlipaySimulator {
    struct Trade: Codable {
        var outTradeNo: String
        var tradeNo: String
        var amount: Amount
        var status: String
        var notifyURL: String?
        var paidAt: Date?
        var polls = 0
        var authCode: String?
        var callbackFault: SandboxFault?
    }

    struct Refund: Codable {
        var outTradeNo: String
        var amount: Amount
        var at: Date
    }

    struct Authorization: Codable {
        var outOrderNo: String
        var frozen: Amount
    }

    struct AuthorizationNotices: Codable {
        var url: String
        var total: Amount
        var unfrozen: Amount
    }

    public let keys: SandboxKeys
    public let payDelay: Duration
    public let clock: SandboxClock
    public let passwordPolls: Int
    private let deliver: @Sendable (HTTPRequest) async -> Void
    private var trades: [String: Trade] = [:]
    private var refunds: [String: Refund] = [:]
    /// Medical orders' NHSA `pay_order_id` by `out_trade_no`, settled when the cash part is paid.
    private var medicalOrders: [String: String] = [:]
    /// Tells the mobile-payment centre a medical order's insurance part was settled (its `payOrdId`).
    private var insuranceSettlement: (@Sendable (String) async -> Void)?
    /// Fund authorisations by `auth_no`: what is still frozen.
    private var authorizations: [String: Authorization] = [:]
    /// Where each authorisation's notices go (the freeze's `notify_url`), and its running totals.
    private var authorizationNotices: [String: AuthorizationNotices] = [:]
    private var sequence: Int
    private var faults = SandboxFaultPlan()
    /// The callback fault of the request being handled.
    private var callbackFault: SandboxFault?

    /// `clock` is the simulator's time and statement calendar (the wall clock by default).
    public init(
        keys: SandboxKeys, payDelay: Duration = .seconds(1), passwordPolls: Int = 2, seed: Int = 1, clock: SandboxClock = SandboxClock(),
        deliver: @escaping @Sendable (HTTPRequest) async -> Void
    ) {
        self.clock = clock
        self.keys = keys
        self.payDelay = payDelay
        self.passwordPolls = passwordPolls
        self.deliver = deliver
        sequence = seed * 1_000_000
    }

    /// Injects `fault` into the next `count` requests whose path starts with `pathPrefix`: a gateway
    /// call is `/gateway.do/<method>` (so `/gateway.do` matches every method), a bill download
    /// `/alipay/bill`. `serverError` answers `20000 isp.unknow-error` after the request took effect.
    public func inject(_ fault: SandboxFault, pathPrefix: String, count: Int = 1) {
        faults.add(fault, pathPrefix: pathPrefix, count: count)
    }

    /// Answers one gateway request (the form body as posted), with any fault injected for it.
    public func handle(body: Data) async -> SandboxResponse {
        guard let form = try? AlipayForm.decode(body), let method = form["method"] else {
            return text(#"{"error_response":{"code":"40001","msg":"Missing Required Arguments","sub_code":"isv.missing-method"}}"#)
        }
        let fault = faults.take("/gateway.do/" + method)
        callbackFault = fault == .duplicateCallback || fault == .lateCallback ? fault : nil
        var fields = result(method, form)
        callbackFault = nil
        switch fault {
        case .serverError?: fields = ["code": "20000", "msg": "Service Currently Unavailable", "sub_code": "isp.unknow-error", "sub_msg": "系统繁忙"]
        case .slow?: try? await Task.sleep(for: .seconds(3))
        default: break
        }
        return answer(method, fields, forged: fault == .badSignature)
    }

    private func result(_ method: String, _ form: [String: String]) -> [String: Any] {
        guard form["app_id"] == keys.alipayAppID, let sign = form["sign"], let signature = try? Base64.decode(sign),
            (try? keys.alipayAppKey.publicKey.verifyRSASignature(signature, for: Array(AlipaySignContent.make(form, excluding: ["sign"]).utf8))) != nil
        else {
            return ["code": "40002", "msg": "Invalid Arguments", "sub_code": "isv.invalid-signature", "sub_msg": "验签出错"]
        }
        let biz = form["biz_content"].flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] } ?? [:]
        switch method {
        case "alipay.trade.precreate", "alipay.trade.create":
            return place(method, biz, notifyURL: form["notify_url"])
        case "alipay.trade.pay":
            return biz["auth_no"] != nil ? capture(biz) : barcode(biz)
        case "alipay.commerce.medical.payment.createandpay":
            return medical(biz, notifyURL: form["notify_url"])
        case "alipay.fund.auth.order.freeze":
            return freeze(biz, notifyURL: form["notify_url"])
        case "alipay.fund.auth.order.unfreeze":
            return unfreeze(biz)
        case "alipay.trade.query":
            return query(biz)
        case "alipay.trade.close", "alipay.trade.cancel":
            return end(biz, cancel: method == "alipay.trade.cancel")
        case "alipay.trade.refund":
            return refund(biz)
        case "alipay.trade.fastpay.refund.query":
            return refundQuery(biz)
        case "alipay.data.dataservice.bill.downloadurl.query":
            guard let date = biz["bill_date"] as? String, BeijingTime.parse(date + " 00:00:00") != nil else {
                return ["code": "40004", "msg": "Business Failed", "sub_code": "isv.invalid-bill-date", "sub_msg": "账单日期格式错误"]
            }
            guard clock.isPublished(date, hour: 9) else {
                return ["code": "40004", "msg": "Business Failed", "sub_code": "isp.bill_not_exist", "sub_msg": "账单不存在"]
            }
            return ["code": "10000", "msg": "Success", "bill_download_url": "\(baseURL)/alipay/bill?date=\(date)"]
        default:
            return ["code": "40004", "msg": "Business Failed", "sub_code": "isv.method-not-in-sandbox", "sub_msg": "the sandbox does not offer \(method)"]
        }
    }

    private func place(_ method: String, _ biz: [String: Any], notifyURL: String?) -> [String: Any] {
        guard let outTradeNo = biz["out_trade_no"] as? String, let amount = (biz["total_amount"] as? String).flatMap({ try? Amount(yuan: $0) }) else {
            return ["code": "40004", "msg": "Business Failed", "sub_code": "ACQ.INVALID_PARAMETER", "sub_msg": "参数无效"]
        }
        if let existing = trades[outTradeNo], existing.status != "WAIT_BUYER_PAY" {
            return ["code": "40004", "msg": "Business Failed", "sub_code": "ACQ.TRADE_HAS_SUCCESS", "sub_msg": "交易已被支付"]
        }
        var trade = trades[outTradeNo] ?? Trade(outTradeNo: outTradeNo, tradeNo: nextID("2026"), amount: amount, status: "WAIT_BUYER_PAY", notifyURL: notifyURL)
        trade.callbackFault = callbackFault ?? trade.callbackFault
        trades[outTradeNo] = trade
        payLater(outTradeNo)
        if method == "alipay.trade.precreate" {
            return ["code": "10000", "msg": "Success", "out_trade_no": outTradeNo, "qr_code": "https://qr.alipay.com/bax0\(trade.tradeNo.suffix(10))"]
        }
        return ["code": "10000", "msg": "Success", "out_trade_no": outTradeNo, "trade_no": trade.tradeNo]
    }

    private func barcode(_ biz: [String: Any]) -> [String: Any] {
        guard let outTradeNo = biz["out_trade_no"] as? String, let amount = (biz["total_amount"] as? String).flatMap({ try? Amount(yuan: $0) }),
            let authCode = biz["auth_code"] as? String
        else { return ["code": "40004", "msg": "Business Failed", "sub_code": "ACQ.INVALID_PARAMETER", "sub_msg": "参数无效"] }
        let trade = Trade(outTradeNo: outTradeNo, tradeNo: nextID("2026"), amount: amount, status: "WAIT_BUYER_PAY", authCode: authCode)
        trades[outTradeNo] = trade
        return ["code": "10003", "msg": "等待用户付款", "out_trade_no": outTradeNo, "trade_no": trade.tradeNo]
    }

    /// The simulated patient pays `outTradeNo` after `payDelay`.
    private func payLater(_ outTradeNo: String) {
        let delay = payDelay
        Task { [weak self] in
            try? await Task.sleep(for: delay)
            await self?.pay(outTradeNo)
        }
    }

    // MARK: Medical insurance (alipay.commerce.medical.payment.createandpay)

    /// Where medical orders' insurance parts are settled: the sandbox's mobile-payment centre.
    public func settleInsurance(with settle: @escaping @Sendable (String) async -> Void) {
        insuranceSettlement = settle
    }

    /// An NHSA online order with its cash part: the split must add up; the cash part is a trade the
    /// patient pays on the returned page after `payDelay`, which also settles the insurance part.
    private func medical(_ biz: [String: Any], notifyURL: String?) -> [String: Any] {
        func yuan(_ key: String) -> Amount? { (biz[key] as? String).flatMap { try? Amount(yuan: $0) } }
        guard let outTradeNo = biz["out_trade_no"] as? String, let payOrderID = biz["pay_order_id"] as? String, biz["pay_auth_no"] is String,
            let total = yuan("total_amount"), let fund = yuan("gov_amount"), let account = yuan("account_amount"), let other = yuan("other_amount"),
            let cash = yuan("real_amount")
        else { return ["code": "40004", "msg": "Business Failed", "sub_code": "INVALID_PARAMETER", "sub_msg": "参数无效"] }
        guard fund.fen + account.fen + other.fen + cash.fen == total.fen else {
            return ["code": "10000", "msg": "Success", "result_code": "AMOUNT_NOT_MATCH", "error_message": "金额明细之和与总金额不符"]
        }
        let trade = trades[outTradeNo] ?? Trade(outTradeNo: outTradeNo, tradeNo: nextID("2026"), amount: cash, status: "WAIT_BUYER_PAY", notifyURL: notifyURL)
        if trades[outTradeNo] == nil {
            trades[outTradeNo] = trade
            medicalOrders[outTradeNo] = payOrderID
            payLater(outTradeNo)
        }
        return [
            "code": "10000", "msg": "Success",
            "data": ["pay_url": "https://render.alipay.com/p/yuyan/medical/pay?order=\(trade.tradeNo)", "out_trade_no": outTradeNo, "chnl_ord_sn": trade.tradeNo, "status": "WAIT_PAY"],
        ]
    }

    // MARK: Fund authorisation (pre-authorisation)

    /// `alipay.fund.auth.order.freeze` on the payer's code: frozen at once, and a `fund_auth_freeze`
    /// notice posted to `notifyURL`.
    private func freeze(_ biz: [String: Any], notifyURL: String?) -> [String: Any] {
        guard let outOrderNo = biz["out_order_no"] as? String, biz["auth_code"] is String,
            let amount = (biz["amount"] as? String).flatMap({ try? Amount(yuan: $0) }), amount.fen > 0
        else { return ["code": "40004", "msg": "Business Failed", "sub_code": "ALIPAY.INVALID_PARAMETER", "sub_msg": "参数无效"] }
        if let existing = authorizations.first(where: { $0.value.outOrderNo == outOrderNo }) {
            return ["code": "10000", "msg": "Success", "auth_no": existing.key, "out_order_no": outOrderNo, "amount": amount.yuanString, "status": "SUCCESS"]
        }
        let authNo = nextID("2026AUTH")
        authorizations[authNo] = Authorization(outOrderNo: outOrderNo, frozen: amount)
        if let notifyURL {
            authorizationNotices[authNo] = AuthorizationNotices(url: notifyURL, total: amount, unfrozen: .zero)
            fundAuthNotice(authNo, operation: "FREEZE", requestNo: biz["out_request_no"] as? String ?? outOrderNo, amount: amount)
        }
        return [
            "code": "10000", "msg": "Success", "auth_no": authNo, "out_order_no": outOrderNo, "operation_id": nextID("2026OP"), "amount": amount.yuanString,
            "status": "SUCCESS", "gmt_trans": BeijingTime.format(clock.now()),
        ]
    }

    /// `alipay.trade.pay` with `auth_no`: paid at once from the frozen funds.
    private func capture(_ biz: [String: Any]) -> [String: Any] {
        guard let authNo = biz["auth_no"] as? String, let authorization = authorizations[authNo], let outTradeNo = biz["out_trade_no"] as? String,
            let amount = (biz["total_amount"] as? String).flatMap({ try? Amount(yuan: $0) }), amount.fen > 0
        else { return ["code": "40004", "msg": "Business Failed", "sub_code": "ACQ.INVALID_PARAMETER", "sub_msg": "授权单不存在或参数无效"] }
        if let existing = trades[outTradeNo] {
            return ["code": "40004", "msg": "Business Failed", "sub_code": "ACQ.TRADE_HAS_SUCCESS", "sub_msg": "交易已被支付", "trade_no": existing.tradeNo]
        }
        guard amount <= authorization.frozen else {
            return ["code": "40004", "msg": "Business Failed", "sub_code": "ACQ.TOTAL_FEE_EXCEED", "sub_msg": "订单金额超过冻结金额"]
        }
        authorizations[authNo]?.frozen = Amount(fen: authorization.frozen.fen - amount.fen)
        let trade = Trade(outTradeNo: outTradeNo, tradeNo: nextID("2026"), amount: amount, status: "TRADE_SUCCESS", paidAt: clock.now())
        trades[outTradeNo] = trade
        return [
            "code": "10000", "msg": "Success", "out_trade_no": outTradeNo, "trade_no": trade.tradeNo, "total_amount": amount.yuanString,
            "receipt_amount": amount.yuanString, "gmt_payment": BeijingTime.format(trade.paidAt ?? clock.now()),
        ]
    }

    /// `alipay.fund.auth.order.unfreeze`: releases part or all of what is still frozen, with a
    /// `fund_auth_unfreeze` notice to the notify URL of the freeze.
    private func unfreeze(_ biz: [String: Any]) -> [String: Any] {
        guard let authNo = biz["auth_no"] as? String, let authorization = authorizations[authNo],
            let amount = (biz["amount"] as? String).flatMap({ try? Amount(yuan: $0) }), amount.fen > 0, amount <= authorization.frozen
        else { return ["code": "40004", "msg": "Business Failed", "sub_code": "ALIPAY.UNFREEZE_AMOUNT_EXCEED", "sub_msg": "解冻金额超过剩余冻结金额"] }
        authorizations[authNo]?.frozen = Amount(fen: authorization.frozen.fen - amount.fen)
        if let notices = authorizationNotices[authNo] {
            authorizationNotices[authNo]?.unfrozen = Amount(fen: notices.unfrozen.fen + amount.fen)
            fundAuthNotice(authNo, operation: "UNFREEZE", requestNo: biz["out_request_no"] as? String ?? authNo, amount: amount)
        }
        return ["code": "10000", "msg": "Success", "auth_no": authNo, "out_order_no": authorization.outOrderNo, "amount": amount.yuanString, "status": "SUCCESS"]
    }

    /// A fund-authorisation notice as Alipay posts it (`notify_type` `fund_auth_freeze` or
    /// `fund_auth_unfreeze`): the operation, its amount, and the authorisation's running totals — the
    /// field set of a real notice found in public code (auth_no, out_order_no, out_request_no,
    /// operation_id, operation_type, amount, status, total_freeze_amount, total_unfreeze_amount,
    /// total_pay_amount, rest_amount, gmt_create, gmt_trans, payer_user_id, payer_logon_id).
    private func fundAuthNotice(_ authNo: String, operation: String, requestNo: String, amount: Amount) {
        guard let notices = authorizationNotices[authNo], let authorization = authorizations[authNo] else { return }
        let now = BeijingTime.format(clock.now())
        let paid = notices.total.fen - notices.unfrozen.fen - authorization.frozen.fen
        notify(notices.url, [
            "auth_no": authNo, "out_order_no": authorization.outOrderNo, "out_request_no": requestNo, "operation_id": nextID("2026OP"),
            "operation_type": operation, "amount": amount.yuanString, "status": "SUCCESS", "total_freeze_amount": notices.total.yuanString,
            "total_unfreeze_amount": notices.unfrozen.yuanString, "total_pay_amount": Amount(fen: paid).yuanString,
            "rest_amount": authorization.frozen.yuanString, "gmt_create": now, "gmt_trans": now, "payer_user_id": "2088102000000001",
            "payer_logon_id": "159****5620", "auth_app_id": keys.alipayAppID,
        ], type: operation == "FREEZE" ? "fund_auth_freeze" : "fund_auth_unfreeze", fault: nil)
    }

    private func query(_ biz: [String: Any]) -> [String: Any] {
        guard let outTradeNo = biz["out_trade_no"] as? String, var trade = trades[outTradeNo] else {
            return ["code": "40004", "msg": "Business Failed", "sub_code": "ACQ.TRADE_NOT_EXIST", "sub_msg": "交易不存在"]
        }
        if trade.authCode != nil, trade.status == "WAIT_BUYER_PAY" {
            trade.polls += 1
            if trade.polls >= passwordPolls, !(trade.authCode ?? "").hasSuffix("0000") {
                trade.status = "TRADE_SUCCESS"
                trade.paidAt = clock.now()
            }
            trades[outTradeNo] = trade
        }
        var fields: [String: Any] = [
            "code": "10000", "msg": "Success", "out_trade_no": outTradeNo, "trade_no": trade.tradeNo, "trade_status": trade.status,
            "total_amount": trade.amount.yuanString,
        ]
        if let paidAt = trade.paidAt { fields["send_pay_date"] = BeijingTime.format(paidAt) }
        return fields
    }

    private func end(_ biz: [String: Any], cancel: Bool) -> [String: Any] {
        guard let outTradeNo = biz["out_trade_no"] as? String, var trade = trades[outTradeNo] else {
            return ["code": "40004", "msg": "Business Failed", "sub_code": "ACQ.TRADE_NOT_EXIST", "sub_msg": "交易不存在"]
        }
        if trade.status == "TRADE_SUCCESS", !cancel {
            return ["code": "40004", "msg": "Business Failed", "sub_code": "ACQ.TRADE_STATUS_ERROR", "sub_msg": "交易状态不合法"]
        }
        let action = trade.status == "TRADE_SUCCESS" ? "refund" : "close"
        trade.status = "TRADE_CLOSED"
        trades[outTradeNo] = trade
        var fields: [String: Any] = ["code": "10000", "msg": "Success", "out_trade_no": outTradeNo, "trade_no": trade.tradeNo]
        if cancel { (fields["retry_flag"], fields["action"]) = ("N", action) }
        return fields
    }

    private func refund(_ biz: [String: Any]) -> [String: Any] {
        guard let outTradeNo = biz["out_trade_no"] as? String, let trade = trades[outTradeNo], trade.status == "TRADE_SUCCESS",
            let requestNo = biz["out_request_no"] as? String, let amount = (biz["refund_amount"] as? String).flatMap({ try? Amount(yuan: $0) })
        else { return ["code": "40004", "msg": "Business Failed", "sub_code": "ACQ.TRADE_STATUS_ERROR", "sub_msg": "交易不存在或未支付"] }
        let base: [String: Any] = ["code": "10000", "msg": "Success", "out_trade_no": outTradeNo, "trade_no": trade.tradeNo, "buyer_logon_id": "159****5620"]
        // refund_fee, in the answer and in the notification, is the order's total refunded so far
        // (alipay.trade.refund: "退款总金额"; asynchronous notification: "退款通知中，返回总退款金额").
        let refunded = refunds.values.filter { $0.outTradeNo == outTradeNo }.reduce(Int64(0)) { $0 + $1.amount.fen }
        if refunds[requestNo] != nil {
            return base.merging(["fund_change": "N", "refund_fee": Amount(fen: refunded).yuanString]) { $1 }
        }
        guard refunded + amount.fen <= trade.amount.fen else {
            return ["code": "40004", "msg": "Business Failed", "sub_code": "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "sub_msg": "退款金额超限"]
        }
        let now = clock.now()
        refunds[requestNo] = Refund(outTradeNo: outTradeNo, amount: amount, at: now)
        if let url = trade.notifyURL {
            notify(url, [
                "trade_status": "TRADE_SUCCESS", "out_trade_no": outTradeNo, "trade_no": trade.tradeNo, "total_amount": trade.amount.yuanString,
                "refund_fee": Amount(fen: refunded + amount.fen).yuanString, "out_biz_no": requestNo, "gmt_refund": BeijingTime.format(now),
            ], fault: callbackFault)
        }
        return base.merging(["fund_change": "Y", "refund_fee": Amount(fen: refunded + amount.fen).yuanString, "gmt_refund_pay": BeijingTime.format(now)]) { $1 }
    }

    private func refundQuery(_ biz: [String: Any]) -> [String: Any] {
        guard let outTradeNo = biz["out_trade_no"] as? String, let requestNo = biz["out_request_no"] as? String else {
            return ["code": "40004", "msg": "Business Failed", "sub_code": "ACQ.INVALID_PARAMETER", "sub_msg": "参数无效"]
        }
        var fields: [String: Any] = ["code": "10000", "msg": "Success", "out_trade_no": outTradeNo, "out_request_no": requestNo]
        if let refund = refunds[requestNo], refund.outTradeNo == outTradeNo {
            fields["refund_amount"] = refund.amount.yuanString
            fields["refund_status"] = "REFUND_SUCCESS"
            fields["gmt_refund_pay"] = BeijingTime.format(refund.at)
            fields["trade_no"] = trades[outTradeNo]?.tradeNo
        }
        return fields
    }

    /// Where the sandbox is reached (set by the server once it listens), for bill URLs.
    public var baseURL = ""
    public func setBaseURL(_ url: String) { baseURL = url }

    /// The day's bill archive in the published layout: a zip of two GBK CSV files (detail with its
    /// footers, and the summary with its `合计` row), CRLF line ends; a `truncatedStatement` fault for
    /// `/alipay/bill` cuts it in half.
    public func billArchive(for date: String) throws -> Data {
        let archive = try fullBillArchive(for: date)
        return faults.take("/alipay/bill") == .truncatedStatement ? archive.prefix(archive.count / 2) : archive
    }

    private func fullBillArchive(for date: String) throws -> Data {
        let paid = trades.values.filter { $0.status != "WAIT_BUYER_PAY" && $0.paidAt.map { BeijingTime.format($0).hasPrefix(date) } == true }
            .sorted { $0.outTradeNo < $1.outTradeNo }
        let refunded = refunds.filter { BeijingTime.format($0.value.at).hasPrefix(date) }.sorted { $0.key < $1.key }
        let account = "20880211096256330099"
        let range = "#起始日期：[\(date.prefix(4))年\(date.dropFirst(5).prefix(2))月\(date.suffix(2))日 00:00:00]"
        var detail = [
            "#支付宝业务明细查询", "#账号：[\(account)]", range, "#-----------------------------------------业务明细列表----------------------------------------",
            "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注",
        ]
        var paidTotal: Int64 = 0
        for trade in paid {
            let at = BeijingTime.format(trade.paidAt ?? clock.now())
            paidTotal += trade.amount.fen
            detail.append("\(trade.tradeNo)\t,\(trade.outTradeNo)\t,交易\t,门诊缴费,\(at),\(at),hispay_store\t,HISPay 沙箱医院\t,his\t,\t,*患者(138***0000)\t,\(trade.amount.yuanString),\(trade.amount.yuanString),0.00,0.00,0.00,0.00,0.00,,0.00\t,0.00,\t,0.00,0.00,门诊缴费")
        }
        var refundTotal: Int64 = 0
        for (requestNo, refund) in refunded {
            let at = BeijingTime.format(refund.at)
            refundTotal += refund.amount.fen
            let tradeNo = trades[refund.outTradeNo]?.tradeNo ?? ""
            detail.append("\(tradeNo)\t,\(refund.outTradeNo)\t,退款\t,门诊退费,\(at),\(at),hispay_store\t,HISPay 沙箱医院\t,his\t,\t,*患者(138***0000)\t,-\(refund.amount.yuanString),-\(refund.amount.yuanString),0.00,0.00,0.00,0.00,0.00,,0.00\t,0.00,\(requestNo)\t,0.00,0.00,门诊退费")
        }
        let net = Amount(fen: paidTotal - refundTotal).yuanString
        detail += [
            "#-----------------------------------------业务明细列表结束------------------------------------",
            "#交易合计：\(paid.count)笔，商家实收共\(Amount(fen: paidTotal).yuanString)元，商家优惠共0.00元",
            "#退款合计：\(refunded.count)笔，商家实收退款共-\(Amount(fen: refundTotal).yuanString)元，商家优惠退款共0.00元",
            "#导出时间：[\(BeijingTime.format(clock.now()))]",
        ]
        let summary = [
            "#支付宝业务汇总查询", "#账号：[\(account)]", range,
            "门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）,支付宝优惠（元）,商家优惠（元）,卡消费金额（元）,服务费（元）,分润（元）,实收净额（元）",
            "合计,,\(paid.count),\(refunded.count),\(net),\(net),0.00,0.00,0.00,0.00,0.00,\(net)",
        ]
        let compact = date.replacingOccurrences(of: "-", with: "")
        return try ZipWriter.archive([
            ("\(account)_\(compact)_业务明细.csv", Data(try GB18030.encode(detail.joined(separator: "\r\n") + "\r\n"))),
            ("\(account)_\(compact)_业务明细(汇总).csv", Data(try GB18030.encode(summary.joined(separator: "\r\n") + "\r\n"))),
        ])
    }

    private func pay(_ outTradeNo: String) {
        guard var trade = trades[outTradeNo], trade.status == "WAIT_BUYER_PAY", trade.authCode == nil else { return }
        trade.status = "TRADE_SUCCESS"
        trade.paidAt = clock.now()
        trades[outTradeNo] = trade
        if let payOrderID = medicalOrders[outTradeNo], let settle = insuranceSettlement { Task { await settle(payOrderID) } }
        if let url = trade.notifyURL {
            notify(url, [
                "trade_status": "TRADE_SUCCESS", "out_trade_no": outTradeNo, "trade_no": trade.tradeNo, "total_amount": trade.amount.yuanString,
                "receipt_amount": trade.amount.yuanString, "gmt_payment": BeijingTime.format(trade.paidAt ?? clock.now()),
            ], fault: trade.callbackFault)
        }
    }

    /// Posts a notification (`type`: a trade's `trade_status_sync` unless told): common fields added,
    /// signed without `sign`/`sign_type`.
    private func notify(_ url: String, _ fields: [String: String], type: String = "trade_status_sync", fault: SandboxFault?) {
        var form = fields
        form["notify_time"] = BeijingTime.format(Date())
        form["notify_type"] = type
        form["notify_id"] = nextID("2026112200222")
        form["app_id"] = keys.alipayAppID
        form["charset"] = "utf-8"
        form["version"] = "1.0"
        form["sign_type"] = "RSA2"
        guard let signature = try? keys.alipayKey.rsaSignature(for: Array(AlipaySignContent.make(form, excluding: ["sign", "sign_type"]).utf8)) else { return }
        form["sign"] = Base64.encode(signature)
        let request = HTTPRequest(
            method: "POST", url: url, headers: ["Content-Type": "application/x-www-form-urlencoded;charset=utf-8"], body: Data(AlipayForm.encode(form).utf8))
        SandboxFault.deliver(request, fault: fault, with: deliver)
    }

    /// `{"<method>_response": <fields>, "sign": <RSA2 over the exact fields text>}`; `forged`
    /// changes the signature's first character so it cannot verify.
    private func answer(_ method: String, _ fields: [String: Any], forged: Bool = false) -> SandboxResponse {
        let inner = String(decoding: (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8), as: UTF8.self)
        let key = method.replacingOccurrences(of: ".", with: "_") + "_response"
        var sign = (try? keys.alipayKey.rsaSignature(for: Array(inner.utf8))).map { Base64.encode($0) } ?? ""
        if forged { sign = SandboxFault.forged(sign) }
        return text(#"{"\#(key)":\#(inner),"sign":"\#(sign)"}"#)
    }

    private func text(_ body: String) -> SandboxResponse {
        SandboxResponse(status: 200, headers: [("Content-Type", "text/html;charset=utf-8")], body: Data(body.utf8))
    }

    private func nextID(_ prefix: String) -> String {
        sequence += 1
        return prefix + String(format: "%016d", sequence)
    }

    // MARK: - Kept across restarts (`SandboxOrderStore`)

    /// Every trade, refund and fund authorisation, and where the ids have got to.
    struct Saved: Codable, Sendable {
        var trades: [String: Trade]
        var refunds: [String: Refund]
        var medicalOrders: [String: String]
        var authorizations: [String: Authorization]
        var authorizationNotices: [String: AuthorizationNotices]
        var sequence: Int
    }

    func saved() -> Saved {
        Saved(
            trades: trades, refunds: refunds, medicalOrders: medicalOrders, authorizations: authorizations, authorizationNotices: authorizationNotices,
            sequence: sequence)
    }

    /// Takes the saved trades back; those the patient had not yet paid are paid `payDelay` from now.
    func restore(_ saved: Saved) {
        (trades, refunds, medicalOrders, sequence) = (saved.trades, saved.refunds, saved.medicalOrders, saved.sequence)
        (authorizations, authorizationNotices) = (saved.authorizations, saved.authorizationNotices)
        for trade in trades.values where trade.status == "WAIT_BUYER_PAY" && trade.authCode == nil { payLater(trade.outTradeNo) }
    }
}
