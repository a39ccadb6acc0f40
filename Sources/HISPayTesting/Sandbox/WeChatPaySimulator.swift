import Foundation
import HISPayCore
import HISPayCrypto
import WeChatPay

/// WeChat Pay APIv3 as the adapters use it, in memory: requests are checked against the merchant's
/// signature, answers and callbacks signed with the sandbox's platform key (public-key mode), callback
/// resources AES-256-GCM encrypted with the APIv3 key.
///
/// Orders move like real ones: a QR/JSAPI/H5/app order is paid `payDelay` after it is placed (and
/// its `TRANSACTION.SUCCESS` callback sent); a barcode payment needs the payer's password for
/// `passwordPolls` queries (an auth code ending in `0000` never gets it, to exercise the reversal);
/// refunds succeed at once and send `REFUND.SUCCESS`; the trade bill of a day lists what happened,
/// in the published layout. The legacy APIv2 works on the same orders (`WeChatPaySimulator+V2`).
public actor WeChatPaySimulator {
    struct Order: Codable {
        var outTradeNo: String
        var transactionID: String
        var tradeType: String
        var amount: Int64
        var state: String
        var notifyURL: String?
        var paidAt: Date?
        var polls = 0
        var authCode: String?
        var callbackFault: SandboxFault?
        /// Placed through APIv2: its callbacks are v2 XML.
        var legacy = false
        /// The merchant's own product text (v3 `description`, v2 `body`): the bill's 商品名称, free
        /// text that may hold commas.
        var description = "门诊缴费"
    }

    struct RefundRecord: Codable {
        var outRefundNo: String
        var refundID: String
        var outTradeNo: String
        var transactionID: String
        var amount: Int64
        var total: Int64
        var at: Date
    }

    public let keys: SandboxKeys
    public let payDelay: Duration
    public let clock: SandboxClock
    public let passwordPolls: Int
    let deliver: @Sendable (HTTPRequest) async -> Void
    var faults = SandboxFaultPlan()
    /// The callback fault of the request being handled.
    private var callbackFault: SandboxFault?
    var orders: [String: Order] = [:]
    var refunds: [String: RefundRecord] = [:]
    /// Medical-insurance mixed orders by `out_trade_no` (see `WeChatPaySimulator+MedIns`).
    var medInsOrders: [String: MedInsOrder] = [:]
    /// Tells the mobile-payment centre a mixed order's insurance part was settled (its `payOrdId`).
    var insuranceSettlement: (@Sendable (String) async -> Void)?
    private var sequence: Int

    /// `deliver` sends a callback (with its own retries); `seed` makes the ids reproducible.
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

    /// Where mixed orders' insurance parts are settled: the sandbox's mobile-payment centre.
    public func settleInsurance(with settle: @escaping @Sendable (String) async -> Void) {
        insuranceSettlement = settle
    }

    /// Injects `fault` into the next `count` requests whose path starts with `pathPrefix`.
    public func inject(_ fault: SandboxFault, pathPrefix: String, count: Int = 1) {
        faults.add(fault, pathPrefix: pathPrefix, count: count)
    }

    /// Answers one request (`pathAndQuery` as sent, e.g. `/v3/pay/transactions/out-trade-no/R1?mchid=…`),
    /// with any fault injected for it.
    public func handle(method: String, pathAndQuery: String, headers: HTTPHeaders, body: Data) async -> SandboxResponse {
        let fault = faults.take(pathAndQuery)
        // A callback fault applies to the callback this request causes: a refund's at once, an
        // order's when the (simulated) patient pays it.
        callbackFault = fault == .duplicateCallback || fault == .lateCallback ? fault : nil
        var answer = answer(method: method, pathAndQuery: pathAndQuery, headers: headers, body: body)
        if let callbackFault, let outTradeNo = ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any])?["out_trade_no"] as? String,
            orders[outTradeNo]?.paidAt == nil
        {
            orders[outTradeNo]?.callbackFault = callbackFault
        }
        callbackFault = nil
        switch fault {
        case .serverError?:
            answer = sign(.error(500, "SYSTEM_ERROR", "系统错误"))
        case .badSignature?:
            answer.headers = answer.headers.map { $0.0 == "Wechatpay-Signature" ? ($0.0, SandboxFault.forged($0.1)) : $0 }
        case .slow?:
            try? await Task.sleep(for: .seconds(3))
        case .truncatedStatement?:
            answer.body = answer.body.prefix(answer.body.count / 2)
        case .duplicateCallback?, .lateCallback?, .refused?, nil:  // refused is the NHSA simulator's (the fault route says so)
            break
        }
        return answer
    }


    private func answer(method: String, pathAndQuery: String, headers: HTTPHeaders, body: Data) -> SandboxResponse {
        if let refusal = checkSignature(method: method, pathAndQuery: pathAndQuery, headers: headers, body: body) { return sign(refusal) }
        let path = String(pathAndQuery.prefix { $0 != "?" })
        let json = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
        let answer: SandboxResponse
        switch (method, path) {
        case ("POST", let path) where path.hasPrefix("/v3/pay/transactions/") && ["native", "jsapi", "h5", "app"].contains(path.split(separator: "/").last.map(String.init) ?? ""):
            answer = place(String(path.split(separator: "/").last ?? ""), json)
        case ("POST", "/v3/pay/transactions/codepay"):
            answer = codepay(json)
        case ("GET", let path) where path.hasPrefix("/v3/pay/transactions/out-trade-no/"):
            answer = query(String(path.dropFirst("/v3/pay/transactions/out-trade-no/".count)))
        case ("POST", let path) where path.hasPrefix("/v3/pay/transactions/out-trade-no/") && (path.hasSuffix("/close") || path.hasSuffix("/reverse")):
            let parts = path.split(separator: "/")
            answer = end(String(parts[parts.count - 2]), reverse: path.hasSuffix("/reverse"))
        case ("POST", "/v3/refund/domestic/refunds"):
            answer = refund(json)
        case ("GET", let path) where path.hasPrefix("/v3/refund/domestic/refunds/"):
            answer = refunds[String(path.dropFirst("/v3/refund/domestic/refunds/".count))].map { .json(200, refundJSON($0, statusKey: "status")) }
                ?? .error(404, "RESOURCE_NOT_EXISTS", "退款单不存在")
        case (_, let path) where path.hasPrefix("/v3/med-ins/"):
            answer = medIns(method: method, path: path, query: String(pathAndQuery.drop { $0 != "?" }.dropFirst()), json, serial: headers["Wechatpay-Serial"])
        case ("GET", "/v3/bill/tradebill"):
            answer = tradeBill(pathAndQuery)
        case ("GET", "/v3/billdownload/file"):
            let date = pathAndQuery.components(separatedBy: "token=").last ?? ""
            answer = SandboxResponse(status: 200, headers: [("Content-Type", "application/octet-stream")], body: bill(for: date))
        default:
            answer = .error(404, "NOT_FOUND", "no such API in the sandbox: \(method) \(path)")
        }
        return sign(answer)
    }

    // MARK: - Orders (shared by APIv3 and APIv2, as one merchant's orders are)

    /// Why the simulator refused an operation: the v3 HTTP status and code, the v2 `err_code`.
    struct Refusal: Error {
        var status: Int
        var code: String
        var legacyCode: String
        var message: String
        init(_ status: Int, _ code: String, _ message: String, legacy: String? = nil) {
            (self.status, self.code, self.message, self.legacyCode) = (status, code, message, legacy ?? code)
        }
        var v3: SandboxResponse { .error(status, code, message) }
    }

    /// Places a QR/JSAPI/H5/app order, paid `payDelay` later.
    func placeOrder(tradeType: String, outTradeNo: String, total: Int64, notifyURL: String?, description: String?, legacy: Bool = false) throws(Refusal) -> Order {
        if let existing = orders[outTradeNo] {
            throw existing.state == "SUCCESS" ? Refusal(400, "ORDERPAID", "该订单已支付") : Refusal(400, "OUT_TRADE_NO_USED", "商户订单号重复")
        }
        var order = Order(
            outTradeNo: outTradeNo, transactionID: nextID("4200"), tradeType: tradeType, amount: total, state: "NOTPAY", notifyURL: notifyURL,
            legacy: legacy)
        if let description, !description.isEmpty { order.description = description }
        orders[outTradeNo] = order
        let delay = payDelay
        Task { [weak self] in
            try? await Task.sleep(for: delay)
            await self?.pay(outTradeNo)
        }
        return order
    }

    /// Starts a barcode payment: it waits for the payer's password.
    func startCodePay(outTradeNo: String, total: Int64, authCode: String, description: String?, legacy: Bool = false) throws(Refusal) -> Order {
        if orders[outTradeNo] != nil { throw Refusal(400, "OUT_TRADE_NO_USED", "商户订单号重复") }
        var order = Order(
            outTradeNo: outTradeNo, transactionID: nextID("4200"), tradeType: "MICROPAY", amount: total, state: "USERPAYING", authCode: authCode, legacy: legacy)
        if let description, !description.isEmpty { order.description = description }
        orders[outTradeNo] = order
        return order
    }

    /// The order as a query sees it (a waiting barcode payment gets its password after `passwordPolls`).
    func poll(_ outTradeNo: String) throws(Refusal) -> Order {
        guard var order = orders[outTradeNo] else { throw Refusal(404, "ORDER_NOT_EXIST", "订单不存在", legacy: "ORDERNOTEXIST") }
        if order.state == "USERPAYING" {
            order.polls += 1
            if order.polls >= passwordPolls, !(order.authCode ?? "").hasSuffix("0000") {
                order.state = "SUCCESS"
                order.paidAt = clock.now()
            }
            orders[outTradeNo] = order
        }
        return order
    }

    /// Closes an unpaid order, or reverses (revokes) one paid or not.
    func endOrder(_ outTradeNo: String, reverse: Bool) throws(Refusal) {
        guard var order = orders[outTradeNo] else { throw Refusal(404, "ORDER_NOT_EXIST", "订单不存在", legacy: "ORDERNOTEXIST") }
        if order.state == "SUCCESS", !reverse { throw Refusal(400, "ORDERPAID", "订单已支付，不能关闭") }
        order.state = reverse ? "REVOKED" : "CLOSED"
        orders[outTradeNo] = order
    }

    func pay(_ outTradeNo: String) {
        guard var order = orders[outTradeNo], order.state == "NOTPAY" else { return }
        order.state = "SUCCESS"
        order.paidAt = clock.now()
        orders[outTradeNo] = order
        medInsCashPaid(outTradeNo)
        guard let url = order.notifyURL else { return }
        if order.legacy {
            notifyLegacyPayment(url, order)
        } else {
            notify(url, event: "TRANSACTION.SUCCESS", type: "transaction", transactionJSON(order), fault: order.callbackFault)
        }
    }

    private func place(_ kind: String, _ json: [String: Any]) -> SandboxResponse {
        guard let outTradeNo = json["out_trade_no"] as? String, let total = (json["amount"] as? [String: Any])?["total"] as? Int, total > 0 else {
            return .error(400, "PARAM_ERROR", "out_trade_no and amount.total are required")
        }
        do {
            let order = try placeOrder(
                tradeType: kind == "h5" ? "MWEB" : kind.uppercased(), outTradeNo: outTradeNo, total: Int64(total), notifyURL: json["notify_url"] as? String,
                description: json["description"] as? String)
            switch kind {
            case "native": return .json(200, ["code_url": codeURL(order)])
            case "h5": return .json(200, ["h5_url": "https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=wx\(order.transactionID)"])
            default: return .json(200, ["prepay_id": "wx\(order.transactionID)"])
            }
        } catch { return error.v3 }
    }

    func codeURL(_ order: Order) -> String { "weixin://wxpay/bizpayurl?pr=\(order.transactionID.suffix(8))" }

    /// 付款码支付 as documented (https://pay.weixin.qq.com/doc/v3/merchant/4012382150): `payer.auth_code`,
    /// `amount` and `scene_info` with `store_info.id` are required; there is no `notify_url` or
    /// `time_expire` (the payer confirms at the counter, the merchant polls).
    private func codepay(_ json: [String: Any]) -> SandboxResponse {
        guard let outTradeNo = json["out_trade_no"] as? String, let total = (json["amount"] as? [String: Any])?["total"] as? Int, total > 0,
            let authCode = (json["payer"] as? [String: Any])?["auth_code"] as? String
        else { return .error(400, "PARAM_ERROR", "out_trade_no, amount.total and payer.auth_code are required") }
        guard let store = ((json["scene_info"] as? [String: Any])?["store_info"] as? [String: Any])?["id"] as? String, !store.isEmpty else {
            return .error(400, "PARAM_ERROR", "scene_info.store_info.id is required")
        }
        if let field = ["notify_url", "time_expire"].first(where: { json[$0] != nil }) {
            return .error(400, "PARAM_ERROR", "\(field) is not a parameter of 付款码支付")
        }
        do {
            _ = try startCodePay(outTradeNo: outTradeNo, total: Int64(total), authCode: authCode, description: json["description"] as? String)
            return .error(202, "USERPAYING", "需要用户输入支付密码")
        } catch { return error.v3 }
    }

    private func query(_ outTradeNo: String) -> SandboxResponse {
        do { return .json(200, transactionJSON(try poll(outTradeNo))) } catch { return error.v3 }
    }

    private func end(_ outTradeNo: String, reverse: Bool) -> SandboxResponse {
        do {
            try endOrder(outTradeNo, reverse: reverse)
            return reverse ? .json(200, [:]) : SandboxResponse(status: 204)
        } catch { return error.v3 }
    }

    // MARK: - Refunds

    /// Refunds part of a paid order at once (idempotent by `outRefundNo`) and notifies it.
    func refundOrder(outTradeNo: String?, outRefundNo: String, refund: Int64, total: Int64, notifyURL: String?) throws(Refusal) -> RefundRecord {
        if let existing = refunds[outRefundNo] { return existing }
        guard let outTradeNo, let order = orders[outTradeNo], order.state == "SUCCESS" else {
            throw Refusal(404, "RESOURCE_NOT_EXISTS", "订单不存在或未支付", legacy: "ORDERNOTEXIST")
        }
        let refunded = refunds.values.filter { $0.outTradeNo == outTradeNo }.reduce(Int64(0)) { $0 + $1.amount }
        guard total == order.amount, refund > 0, refunded + refund <= order.amount else {
            throw Refusal(400, "INVALID_REQUEST", "退款金额超过订单可退金额")
        }
        let record = RefundRecord(
            outRefundNo: outRefundNo, refundID: nextID("5000"), outTradeNo: outTradeNo, transactionID: order.transactionID, amount: refund,
            total: order.amount, at: clock.now())
        refunds[outRefundNo] = record
        if let url = notifyURL ?? order.notifyURL {
            if order.legacy {
                notifyLegacyRefund(url, record)
            } else {
                notify(url, event: "REFUND.SUCCESS", type: "refund", refundJSON(record, statusKey: "refund_status"), fault: callbackFault)
            }
        }
        return record
    }

    func refundRecord(_ outRefundNo: String) -> RefundRecord? { refunds[outRefundNo] }

    private func refund(_ json: [String: Any]) -> SandboxResponse {
        guard let outRefundNo = json["out_refund_no"] as? String, let amount = json["amount"] as? [String: Any],
            let refund = amount["refund"] as? Int, let total = amount["total"] as? Int, refund > 0
        else { return .error(400, "PARAM_ERROR", "out_refund_no and amount.refund/total are required") }
        do {
            let record = try refundOrder(
                outTradeNo: json["out_trade_no"] as? String, outRefundNo: outRefundNo, refund: Int64(refund), total: Int64(total), notifyURL: json["notify_url"] as? String)
            return .json(200, refundJSON(record, statusKey: "status"))
        } catch { return error.v3 }
    }

    // MARK: - Bills

    private func tradeBill(_ pathAndQuery: String) -> SandboxResponse {
        guard let date = pathAndQuery.components(separatedBy: "bill_date=").last?.prefix(10), BeijingTime.parse(date + " 00:00:00") != nil else {
            return .error(400, "PARAM_ERROR", "bill_date must be yyyy-MM-dd")
        }
        guard clock.isPublished(String(date), hour: 10) else { return .error(400, "STATEMENT_CREATING", "账单生成中") }
        if clock.followsPublicationHours, !hasTrades(on: String(date)) { return .error(400, "NO_STATEMENT_EXIST", "请求的账单文件不存在") }
        let bill = bill(for: String(date))
        let hash = (try? DigestAlgorithm.sha1.hash(bill)).map { Hex.encode($0) } ?? ""
        return .json(200, ["download_url": "\(baseURL)/v3/billdownload/file?token=\(date)", "hash_type": "SHA1", "hash_value": hash])
    }

    /// Where the sandbox is reached (set by the server once it listens), for download URLs.
    public var baseURL = ""
    public func setBaseURL(_ url: String) { baseURL = url }

    /// Whether anything was paid or refunded on `date` (a day without trades has no bill).
    func hasTrades(on date: String) -> Bool {
        orders.values.contains { $0.state == "SUCCESS" && $0.paidAt.map { BeijingTime.format($0).hasPrefix(date) } == true }
            || refunds.values.contains { BeijingTime.format($0.at).hasPrefix(date) }
    }

    /// The day's trade bill in the published layout (UTF-8 with BOM, backtick fields, summary rows),
    /// 商品名称 the merchant's own text as given — commas and all, as WeChat Pay writes it (every field
    /// starts with a backtick; wechatpay-apiv3/wechatpay-php `tests/fixtures/bill.ALL.csv`).
    func bill(for date: String) -> Data {
        func yuan(_ fen: Int64) -> String { Amount(fen: fen).yuanString }
        var rows: [String] = []
        var paid: Int64 = 0
        var refunded: Int64 = 0
        for order in orders.values.sorted(by: { $0.outTradeNo < $1.outTradeNo }) where order.state == "SUCCESS" {
            guard let at = order.paidAt, BeijingTime.format(at).hasPrefix(date) else { continue }
            paid += order.amount
            rows.append("`\(BeijingTime.format(at)),`\(keys.appID),`\(keys.merchantID),`0,`,`\(order.transactionID),`\(order.outTradeNo),`oSandbox,`\(order.tradeType),`SUCCESS,`OTHERS,`CNY,`\(yuan(order.amount)),`0.00,`0,`0,`0.00,`0.00,`,`,`\(order.description),`,`0.00000,`0.60%,`\(yuan(order.amount)),`0.00,`")
        }
        for refund in refunds.values.sorted(by: { $0.outRefundNo < $1.outRefundNo }) where BeijingTime.format(refund.at).hasPrefix(date) {
            refunded += refund.amount
            rows.append("`\(BeijingTime.format(refund.at)),`\(keys.appID),`\(keys.merchantID),`0,`,`\(refund.transactionID),`\(refund.outTradeNo),`oSandbox,`NATIVE,`REFUND,`OTHERS,`CNY,`0.00,`0.00,`\(refund.refundID),`\(refund.outRefundNo),`\(yuan(refund.amount)),`0.00,`ORIGINAL,`SUCCESS,`\(orders[refund.outTradeNo]?.description ?? "门诊退费"),`,`0.00000,`0.60%,`0.00,`\(yuan(refund.amount)),`")
        }
        let header = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注"
        let summary = "`\(rows.count),`\(yuan(paid)),`\(yuan(refunded)),`0.00,`0.00,`\(yuan(paid)),`\(yuan(refunded))"
        let text = "\u{FEFF}" + ([header] + rows + ["总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额", summary]).joined(separator: "\r\n") + "\r\n"
        return Data(text.utf8)
    }

    // MARK: - Wire format

    private func transactionJSON(_ order: Order) -> [String: Any] {
        var json: [String: Any] = [
            "appid": keys.appID, "mchid": keys.merchantID, "out_trade_no": order.outTradeNo, "trade_type": order.tradeType,
            "trade_state": order.state, "trade_state_desc": order.state, "amount": ["total": order.amount, "currency": "CNY"],
        ]
        if order.state == "SUCCESS" {
            json["transaction_id"] = order.transactionID
            json["success_time"] = BeijingTime.iso8601(order.paidAt ?? clock.now())
            json["amount"] = ["total": order.amount, "payer_total": order.amount, "currency": "CNY", "payer_currency": "CNY"]
            json["payer"] = ["openid": "oSandbox"]
        }
        return json
    }

    private func refundJSON(_ refund: RefundRecord, statusKey: String) -> [String: Any] {
        [
            "mchid": keys.merchantID, "out_trade_no": refund.outTradeNo, "transaction_id": refund.transactionID, "out_refund_no": refund.outRefundNo,
            "refund_id": refund.refundID, statusKey: "SUCCESS", "success_time": BeijingTime.iso8601(refund.at),
            "amount": ["refund": refund.amount, "total": refund.total, "payer_refund": refund.amount, "payer_total": refund.total, "currency": "CNY"],
        ]
    }

    /// Sends a notification: the resource encrypted with the APIv3 key, the body signed.
    private func notify(_ url: String, event: String, type: String, _ resource: [String: Any], fault: SandboxFault?) {
        guard let plaintext = try? JSONSerialization.data(withJSONObject: resource, options: [.sortedKeys]), let key = try? APIv3Key(keys.apiV3Key) else { return }
        let nonce = String(nextID("N").suffix(12))
        guard let ciphertext = try? key.seal(plaintext, nonce: nonce, associatedData: type) else { return }
        let id = nextID("EV-")
        let body: [String: Any] = [
            "id": id, "create_time": BeijingTime.iso8601(Date()), "resource_type": "encrypt-resource", "event_type": event,
            "summary": event == "TRANSACTION.SUCCESS" ? "支付成功" : "退款成功",
            "resource": ["original_type": type, "algorithm": "AEAD_AES_256_GCM", "ciphertext": ciphertext, "associated_data": type, "nonce": nonce],
        ]
        let signed = sign(.json(200, body))
        var headers = HTTPHeaders()
        for (name, value) in signed.headers { headers.add(name, value) }
        headers.add("Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048")
        SandboxFault.deliver(HTTPRequest(method: "POST", url: url, headers: headers, body: signed.body), fault: fault, with: deliver)
    }


    /// Adds the platform signature headers over `timestamp\nnonce\nbody\n`.
    private func sign(_ response: SandboxResponse) -> SandboxResponse {
        var response = response
        let timestamp = String(Int64(Date().timeIntervalSince1970))
        let nonce = nextID("SBXNONCE")
        var message = Data("\(timestamp)\n\(nonce)\n".utf8)
        message.append(response.body)
        message.append(0x0A)
        guard let signature = try? keys.platformKey.rsaSignature(for: message) else { return response }
        response.headers += [
            ("Request-ID", nextID("SBX-")), ("Wechatpay-Timestamp", timestamp), ("Wechatpay-Nonce", nonce),
            ("Wechatpay-Signature", Base64.encode(signature)), ("Wechatpay-Serial", keys.platformPublicKeyID),
        ]
        return response
    }

    /// Checks `WECHATPAY2-SHA256-RSA2048 mchid=…,nonce_str=…,timestamp=…,serial_no=…,signature=…`.
    private func checkSignature(method: String, pathAndQuery: String, headers: HTTPHeaders, body: Data) -> SandboxResponse? {
        guard let authorization = headers["Authorization"], authorization.hasPrefix("WECHATPAY2-SHA256-RSA2048 ") else {
            return .error(401, "SIGN_ERROR", "Authorization is missing or not WECHATPAY2-SHA256-RSA2048")
        }
        var fields: [String: String] = [:]
        for part in authorization.dropFirst("WECHATPAY2-SHA256-RSA2048 ".count).split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.count == 2 { fields[String(pair[0])] = String(pair[1]).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        }
        guard fields["mchid"] == keys.merchantID, fields["serial_no"] == keys.merchantSerialNo, let timestamp = fields["timestamp"],
            let nonce = fields["nonce_str"], let signature = fields["signature"].flatMap({ try? Base64.decode($0) })
        else { return .error(401, "SIGN_ERROR", "Authorization lacks mchid, serial_no, timestamp, nonce_str or signature, or names another merchant") }
        var message = Data("\(method)\n\(pathAndQuery)\n\(timestamp)\n\(nonce)\n".utf8)
        message.append(body)
        message.append(0x0A)
        guard (try? keys.merchantKey.publicKey.verifyRSASignature(signature, for: message)) != nil else {
            return .error(401, "SIGN_ERROR", "签名错误")
        }
        return nil
    }

    func nextID(_ prefix: String) -> String {
        sequence += 1
        return prefix + String(format: "%018d", sequence)
    }

    // MARK: - Kept across restarts (`SandboxOrderStore`)

    /// Every order, refund and mixed order, and where the ids have got to.
    struct Saved: Codable, Sendable {
        var orders: [String: Order]
        var refunds: [String: RefundRecord]
        var medInsOrders: [String: MedInsOrder]
        var sequence: Int
    }

    func saved() -> Saved { Saved(orders: orders, refunds: refunds, medInsOrders: medInsOrders, sequence: sequence) }

    /// Takes the saved orders back; those the patient had not yet paid are paid `payDelay` from now.
    func restore(_ saved: Saved) {
        (orders, refunds, medInsOrders, sequence) = (saved.orders, saved.refunds, saved.medInsOrders, saved.sequence)
        let delay = payDelay
        let unpaid = orders.values.filter { $0.state == "NOTPAY" }.map(\.outTradeNo)
        let unpaidInsurance = medInsOrders.values.filter { $0.status == "MIX_PAY_CREATED" && !$0.cashLeg }.map(\.outTradeNo)
        guard !unpaid.isEmpty || !unpaidInsurance.isEmpty else { return }
        Task { [weak self] in
            try? await Task.sleep(for: delay)
            for outTradeNo in unpaid { await self?.pay(outTradeNo) }
            for outTradeNo in unpaidInsurance { await self?.medInsPaid(outTradeNo) }
        }
    }
}
