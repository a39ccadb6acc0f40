import Foundation
import HISPayCompression
import HISPayCore
import HISPayCrypto
import Logging
import Synchronization

/// WeChat Pay APIv3 behind `PaymentChannel`: JSAPI (official account, mini program), Native QR,
/// H5, App, barcode (codepay); query, close, reverse, refund, refund query; verified callbacks;
/// trade bills. Direct-merchant and service-provider (partner) modes.
///
/// Every answer is signature-checked with the platform keys before it is believed; a 2xx answer
/// that does not verify throws `ChannelError/Code/signatureInvalid`. Timeouts, 5xx and
/// `SYSTEM_ERROR` are `Outcome/unknown(_:)`: query with the same order number.
public final class WeChatPayV3Channel: PaymentChannel {
    public let id = ChannelID.wechatPay
    public let capabilities = ChannelCapabilities(
        operations: [.pay, .query, .close, .reverse, .refund, .refundQuery, .callback, .statement],
        scenes: [.barcode, .qrCode, .jsapi, .h5, .app])

    public let configuration: WeChatPayV3Configuration
    private let transport: any HTTPTransport
    package let time: any TimeSource
    private let nonces: any NonceSource
    private let signer: WeChatPayV3Signer
    private let platformKeys: Mutex<PlatformKeys>
    private let lastRefresh = Mutex<Date?>(nil)
    private let logger: Logger

    public init(
        configuration: WeChatPayV3Configuration,
        transport: any HTTPTransport,
        time: any TimeSource = SystemTimeSource(),
        nonces: any NonceSource = RandomNonceSource(),
        logger: Logger = .silent
    ) {
        self.configuration = configuration
        self.transport = transport
        self.time = time
        self.nonces = nonces
        self.signer = WeChatPayV3Signer(
            merchantID: configuration.merchantID, certificateSerial: configuration.merchantSerialNo,
            privateKey: configuration.privateKey)
        self.platformKeys = Mutex(configuration.platformKeys)
        self.logger = logger
    }

    /// The platform keys currently trusted.
    public var currentPlatformKeys: PlatformKeys { platformKeys.withLock { $0 } }

    // MARK: Pay

    public func pay(_ request: PayRequest) async throws -> Outcome<Payment> {
        try capabilities.require(request.scene.kind, on: id)
        let partner = configuration.isPartner
        var body: [String: Any] = [
            "description": request.subject, "out_trade_no": request.outTradeNo,
            "amount": ["total": request.amount.fen, "currency": "CNY"],
        ]
        body.merge(merchantFields(includeApp: true)) { $1 }
        if let attach = request.attach { body["attach"] = attach }
        if let expiresAt = request.expiresAt { body["time_expire"] = WeChatPayV3Time.format(expiresAt) }
        let kind: String
        switch request.scene {
        case .barcode(let authCode):
            body["payer"] = ["auth_code": authCode]
            return try await codepay(body, request)
        case .qrCode:
            kind = "native"
        case .jsapi(let payer):
            kind = "jsapi"
            if partner, payer.appID == configuration.subAppID, configuration.subAppID != nil {
                body["payer"] = ["sub_openid": payer.payerID]
            } else {
                body["payer"] = [partner ? "sp_openid" : "openid": payer.payerID]
            }
        case .h5(let clientIP):
            kind = "h5"
            body["scene_info"] = ["payer_client_ip": clientIP, "h5_info": ["type": "Wap"]]
        case .app:
            kind = "app"
        }
        guard let notifyURL = request.notifyURL ?? configuration.notifyURL else {
            throw ChannelError(.invalidRequest, channel: id, operation: .pay, reason: "WeChat Pay needs a notify URL (request or profile notifyURL)")
        }
        body["notify_url"] = notifyURL
        let path = partner ? "/v3/pay/partner/transactions/\(kind)" : "/v3/pay/transactions/\(kind)"
        let answer = try await call("POST", path, body: body, operation: .pay)
        guard let json = answer.success else { return answer.outcome() }
        let payment = Payment(outTradeNo: request.outTradeNo, amount: request.amount, payerAction: try payerAction(kind, json))
        return .pending(payment, ChannelStatus(code: "NOTPAY", message: "awaiting the payer", httpStatus: answer.status))
    }

    /// 付款码支付 as documented (https://pay.weixin.qq.com/doc/v3/merchant/4012382150; the same fields
    /// in wechatpay-go `services/payments/code`): `payer.auth_code` and the required `scene_info` with
    /// `store_info.id`; no `notify_url` or `time_expire`. `USERPAYING` (HTTP 202) is pending.
    private func codepay(_ body: [String: Any], _ request: PayRequest) async throws -> Outcome<Payment> {
        var body = body
        body.removeValue(forKey: "time_expire")
        var scene: [String: Any] = ["store_info": ["id": configuration.storeID ?? configuration.merchantID]]
        if let device = configuration.deviceID { scene["device_id"] = device }
        body["scene_info"] = scene
        let path = configuration.isPartner ? "/v3/pay/partner/transactions/codepay" : "/v3/pay/transactions/codepay"
        let answer = try await call("POST", path, body: body, operation: .pay)
        guard let json = answer.success else { return answer.outcome() }
        return try transactionOutcome(json, status: answer.status)
    }

    private func payerAction(_ kind: String, _ json: [String: Any]) throws -> PayerAction {
        func field(_ name: String) throws -> String {
            guard let value = json[name] as? String, !value.isEmpty else {
                throw ChannelError(.invalidResponse, channel: id, operation: .pay, reason: "answer lacks \(name)")
            }
            return value
        }
        switch kind {
        case "native":
            return .qrCode(try field("code_url"))
        case "h5":
            return .redirect(try field("h5_url"))
        default:
            break
        }
        // JSAPI and app payments hand the payer's wallet parameters signed with the merchant key.
        let timestamp = String(Int64(time.now().timeIntervalSince1970))
        let nonce = nonces.nextNonce()
        switch kind {
        case "jsapi":
            let appID = configuration.subAppID ?? configuration.appID
            let package = "prepay_id=\(try field("prepay_id"))"
            let paySign = try signer.signature(for: "\(appID)\n\(timestamp)\n\(nonce)\n\(package)\n")
            return .jsapiParameters([
                "appId": appID, "timeStamp": timestamp, "nonceStr": nonce, "package": package, "signType": "RSA", "paySign": paySign,
            ])
        default:
            let appID = configuration.subAppID ?? configuration.appID
            let prepayID = try field("prepay_id")
            let sign = try signer.signature(for: "\(appID)\n\(timestamp)\n\(nonce)\n\(prepayID)\n")
            return .appParameters([
                "appid": appID, "partnerid": configuration.subMerchantID ?? configuration.merchantID, "prepayid": prepayID,
                "package": "Sign=WXPay", "noncestr": nonce, "timestamp": timestamp, "sign": sign,
            ])
        }
    }

    // MARK: Query, close, reverse

    public func query(_ order: OrderReference) async throws -> Outcome<Payment> {
        let path: String
        if let transactionID = order.transactionID {
            path = configuration.isPartner ? "/v3/pay/partner/transactions/id/\(transactionID)" : "/v3/pay/transactions/id/\(transactionID)"
        } else if let outTradeNo = order.outTradeNo {
            path = configuration.isPartner ? "/v3/pay/partner/transactions/out-trade-no/\(outTradeNo)" : "/v3/pay/transactions/out-trade-no/\(outTradeNo)"
        } else {
            throw ChannelError(.invalidRequest, channel: id, operation: .query, reason: "an order reference needs outTradeNo or transactionID")
        }
        let answer = try await call("GET", path + "?" + merchantQuery(), body: nil, operation: .query)
        guard let json = answer.success else { return answer.outcome() }
        return try transactionOutcome(json, status: answer.status)
    }

    public func close(_ order: OrderReference) async throws -> Outcome<Reversal> {
        let outTradeNo = try requireOutTradeNo(order, .close)
        let path = configuration.isPartner
            ? "/v3/pay/partner/transactions/out-trade-no/\(outTradeNo)/close" : "/v3/pay/transactions/out-trade-no/\(outTradeNo)/close"
        let answer = try await call("POST", path, body: merchantFields(includeApp: false), operation: .close)
        guard answer.success != nil else { return answer.outcome() }
        return .success(Reversal(order: order), ChannelStatus(code: "CLOSED", httpStatus: answer.status))
    }

    public func reverse(_ order: OrderReference) async throws -> Outcome<Reversal> {
        let outTradeNo = try requireOutTradeNo(order, .reverse)
        let path = configuration.isPartner
            ? "/v3/pay/partner/transactions/out-trade-no/\(outTradeNo)/reverse" : "/v3/pay/transactions/out-trade-no/\(outTradeNo)/reverse"
        let answer = try await call("POST", path, body: merchantFields(includeApp: true), operation: .reverse)
        guard answer.success != nil else { return answer.outcome() }
        return .success(Reversal(order: order, refunded: false), ChannelStatus(code: "REVOKED", httpStatus: answer.status))
    }

    // MARK: Refunds

    public func refund(_ request: RefundRequest) async throws -> Outcome<Refund> {
        var body: [String: Any] = [
            "out_refund_no": request.outRefundNo,
            "amount": ["refund": request.refundAmount.fen, "total": request.totalAmount.fen, "currency": "CNY"],
        ]
        if let transactionID = request.order.transactionID {
            body["transaction_id"] = transactionID
        } else {
            body["out_trade_no"] = try requireOutTradeNo(request.order, .refund)
        }
        if let subMerchantID = configuration.subMerchantID { body["sub_mchid"] = subMerchantID }
        if let reason = request.reason { body["reason"] = reason }
        if let notifyURL = request.notifyURL ?? configuration.notifyURL { body["notify_url"] = notifyURL }
        guard request.refundAmount.fen > 0, request.refundAmount <= request.totalAmount else {
            throw ChannelError(.invalidRequest, channel: id, operation: .refund, reason: "refund \(request.refundAmount) must be above zero and at most the order total \(request.totalAmount)")
        }
        let answer = try await call("POST", "/v3/refund/domestic/refunds", body: body, operation: .refund)
        guard let json = answer.success else { return answer.outcome() }
        return try refundOutcome(json, status: answer.status)
    }

    public func queryRefund(_ refund: RefundReference) async throws -> Outcome<Refund> {
        var path = "/v3/refund/domestic/refunds/\(refund.outRefundNo)"
        if let subMerchantID = configuration.subMerchantID { path += "?sub_mchid=\(subMerchantID)" }
        let answer = try await call("GET", path, body: nil, operation: .refundQuery)
        guard let json = answer.success else { return answer.outcome() }
        return try refundOutcome(json, status: answer.status)
    }

    // MARK: Callbacks

    public func verifyCallback(_ request: CallbackRequest) async throws -> VerifiedCallback {
        func handle() throws -> VerifiedCallback {
            try WeChatPayV3CallbackHandler(
                verifier: WeChatPayV3Verifier(keys: currentPlatformKeys), apiV3Key: configuration.apiV3Key,
                merchantIDs: configuration.callbackMerchantIDs
            ).handle(request, now: time.now())
        }
        do {
            return try handle()
        } catch let unknown as ChannelError where unknown.code == .unknownSigningKey && configuration.platformKeys.publicKey == nil {
            do {
                try await refreshPlatformCertificates()
            } catch {
                // The serial the callback names is what the operator needs; the download's failure says why it is still unknown.
                throw ChannelError(.unknownSigningKey, channel: id, operation: .callback, reason: "\(unknown.reason); fetching the platform certificates failed: \(error)")
            }
            return try handle()
        }
    }

    public func callbackRejection(reason: String) -> HTTPResponse { WeChatPayV3CallbackHandler.rejection() }

    // MARK: Statements

    /// Requests the trade bill (`bill_type` from the request, `ALL` by default) gzip-compressed,
    /// downloads and gunzips it, and checks its SHA-1 `hash_value` before handing it over.
    public func downloadStatement(_ request: StatementRequest) async throws -> StatementFile {
        var path = "/v3/bill/tradebill?bill_date=\(request.date)&bill_type=\(request.type ?? "ALL")&tar_type=GZIP"
        if let subMerchantID = configuration.subMerchantID { path += "&sub_mchid=\(subMerchantID)" }
        let answer = try await call("GET", path, body: nil, operation: .statement)
        guard let json = answer.success else {
            // https://pay.weixin.qq.com/doc/v3/merchant/4013071254: STATEMENT_CREATING until about 10:00
            // the next day (ask again every half hour), NO_STATEMENT_EXIST for a day without trades.
            let code: ChannelError.Code = switch answer.channelStatus.code {
            case "STATEMENT_CREATING": .statementNotReady
            case "NO_STATEMENT_EXIST": .noStatement
            default: .invalidResponse
            }
            throw ChannelError(code, channel: id, operation: .statement, reason: "trade bill request failed", status: answer.channelStatus)
        }
        guard let url = json["download_url"] as? String, let hash = json["hash_value"] as? String else {
            throw ChannelError(.invalidResponse, channel: id, operation: .statement, reason: "trade bill answer lacks download_url or hash_value")
        }
        let (request2, _) = try signedRequest("GET", url: url, body: nil)
        let response: HTTPResponse
        do { response = try await transport.send(request2) } catch let error as TransportError {
            throw ChannelError(.transport, channel: id, operation: .statement, reason: error.reason, isRetrySafe: true)
        }
        guard response.status == 200 else {
            throw ChannelError(.invalidResponse, channel: id, operation: .statement, reason: "bill download returned HTTP \(response.status)")
        }
        var contents = response.body
        if Gzip.isGzip(contents) {
            do { contents = try Gzip.decompress(contents) } catch {
                throw ChannelError(.invalidResponse, channel: id, operation: .statement, reason: "bill download: \(error)")
            }
        }
        // hash_value is the SHA-1 of the uncompressed bill.
        let digest = Hex.encode(try DigestAlgorithm.sha1.hash(contents))
        guard digest.caseInsensitiveCompare(hash) == .orderedSame else {
            throw ChannelError(.invalidResponse, channel: id, operation: .statement, reason: "bill SHA-1 \(digest) does not match hash_value \(hash): incomplete or altered download")
        }
        return StatementFile(channel: id, date: request.date, format: "wechatpay.tradebill.csv", contents: contents)
    }

    // MARK: Platform certificates

    /// Downloads the platform certificates (`GET /v3/certificates`), trusts them only if the answer
    /// verifies, and adds them to the keys in use (old ones stay until they expire). Returns the
    /// certificates now trusted.
    @discardableResult
    public func refreshPlatformCertificates() async throws -> [Certificate] {
        let (request, _) = try signedRequest("GET", url: configuration.baseURL + "/v3/certificates", body: nil)
        let response: HTTPResponse
        do { response = try await transport.send(request) } catch let error as TransportError {
            throw ChannelError(.transport, channel: id, reason: "certificate download: \(error.reason)", isRetrySafe: true)
        }
        guard response.status == 200 else {
            throw ChannelError(.invalidResponse, channel: id, reason: "certificate download returned HTTP \(response.status)")
        }
        let now = time.now()
        let downloaded = try PlatformCertificateDownload.verifiedCertificates(
            response: response, apiV3Key: configuration.apiV3Key, trusted: currentPlatformKeys, now: now)
        lastRefresh.withLock { $0 = now }
        return platformKeys.withLock { keys in
            keys.add(downloaded)
            return Array(keys.certificates.values)
        }
    }

    /// Refreshes the platform certificates when the last refresh is older than `interval` (or never
    /// happened); call it from a scheduler, e.g. hourly with a 12-hour interval. Returns whether it
    /// downloaded. Public-key-only profiles never download.
    @discardableResult
    public func refreshPlatformCertificatesIfDue(interval: Duration = .seconds(12 * 3600)) async throws -> Bool {
        guard !configuration.platformKeys.certificates.isEmpty || configuration.platformKeys.publicKey == nil else { return false }
        let seconds = TimeInterval(interval.components.seconds)
        if let last = lastRefresh.withLock({ $0 }), time.now().timeIntervalSince(last) < seconds { return false }
        try await refreshPlatformCertificates()
        return true
    }

    /// Verifies a signed answer or callback; an unknown certificate serial triggers one certificate
    /// refresh (WeChat Pay rotates platform certificates) before giving up.
    private func verifySigned(headers: HTTPHeaders, body: Data) async throws {
        let verifier = WeChatPayV3Verifier(keys: currentPlatformKeys)
        do {
            try verifier.verify(headers: headers, body: body, now: time.now())
            return
        } catch {
            guard error.code == .unknownSigningKey, configuration.platformKeys.publicKey == nil else { throw error }
        }
        try await refreshPlatformCertificates()
        try WeChatPayV3Verifier(keys: currentPlatformKeys).verify(headers: headers, body: body, now: time.now())
    }

    // MARK: Plumbing

    private func requireOutTradeNo(_ order: OrderReference, _ operation: ChannelOperation) throws -> String {
        guard let outTradeNo = order.outTradeNo else {
            throw ChannelError(.invalidRequest, channel: id, operation: operation, reason: "\(operation) needs the merchant order number")
        }
        return outTradeNo
    }

    private func merchantFields(includeApp: Bool) -> [String: Any] {
        var fields: [String: Any] = [:]
        if let subMerchantID = configuration.subMerchantID {
            fields["sp_mchid"] = configuration.merchantID
            fields["sub_mchid"] = subMerchantID
            if includeApp {
                fields["sp_appid"] = configuration.appID
                if let subAppID = configuration.subAppID { fields["sub_appid"] = subAppID }
            }
        } else {
            fields["mchid"] = configuration.merchantID
            if includeApp { fields["appid"] = configuration.appID }
        }
        return fields
    }

    private func merchantQuery() -> String {
        if let subMerchantID = configuration.subMerchantID {
            return "sp_mchid=\(configuration.merchantID)&sub_mchid=\(subMerchantID)"
        }
        return "mchid=\(configuration.merchantID)"
    }

    private func transactionOutcome(_ json: [String: Any], status: Int) throws -> Outcome<Payment> {
        guard let outTradeNo = json["out_trade_no"] as? String, let state = json["trade_state"] as? String else {
            throw ChannelError(.invalidResponse, channel: id, reason: "transaction answer lacks out_trade_no or trade_state")
        }
        var amount: Amount?
        if let total = (json["amount"] as? [String: Any])?["total"] {
            guard let fen = WeChatPayJSON.fen(total) else {
                throw ChannelError(.invalidResponse, channel: id, reason: "transaction amount.total is not a whole number of fen")
            }
            amount = Amount(fen: fen)
        }
        let payment = Payment(
            outTradeNo: outTradeNo, transactionID: json["transaction_id"] as? String, amount: amount,
            paidAt: (json["success_time"] as? String).flatMap(WeChatPayV3Time.parse))
        let channelStatus = ChannelStatus(code: state, message: json["trade_state_desc"] as? String, httpStatus: status)
        switch state {
        case "SUCCESS", "REFUND": return .success(payment, channelStatus)
        case "NOTPAY", "USERPAYING", "ACCEPT": return .pending(payment, channelStatus)
        case "CLOSED", "REVOKED", "PAYERROR": return .failure(channelStatus)
        default: return .unknown(channelStatus)
        }
    }

    private func refundOutcome(_ json: [String: Any], status: Int) throws -> Outcome<Refund> {
        guard let outRefundNo = json["out_refund_no"] as? String, let state = json["status"] as? String,
            let refunded = WeChatPayJSON.fen((json["amount"] as? [String: Any])?["refund"])
        else { throw ChannelError(.invalidResponse, channel: id, reason: "refund answer lacks out_refund_no, status or a whole-fen amount.refund") }
        let refund = Refund(
            outRefundNo: outRefundNo, refundID: json["refund_id"] as? String, amount: Amount(fen: refunded),
            refundedAt: (json["success_time"] as? String).flatMap(WeChatPayV3Time.parse))
        let channelStatus = ChannelStatus(code: state, httpStatus: status)
        switch state {
        case "SUCCESS": return .success(refund, channelStatus)
        case "PROCESSING": return .pending(refund, channelStatus)
        case "CLOSED", "ABNORMAL": return .failure(channelStatus)
        default: return .unknown(channelStatus)
        }
    }

    /// Builds a signed request for `path` (relative to the base URL) or an absolute URL.
    private func signedRequest(_ method: String, url: String, body: [String: Any]?, extraHeaders: HTTPHeaders = [:]) throws -> (HTTPRequest, String) {
        let bytes = try body.map { try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys, .withoutEscapingSlashes]) } ?? Data()
        let nonce = nonces.nextNonce()
        let signature = try signer.sign(
            method: method, canonicalURL: WeChatPayV3Signer.canonicalURL(of: url), body: bytes,
            timestamp: Int64(time.now().timeIntervalSince1970), nonce: nonce)
        var headers: HTTPHeaders = ["Accept": "application/json", "Authorization": signature.authorization]
        if body != nil { headers.add("Content-Type", "application/json") }
        for (name, value) in extraHeaders { headers.add(name, value) }
        return (HTTPRequest(method: method, url: url, headers: headers, body: bytes), signature.stringToSign)
    }

    /// Sends a signed request and classifies the answer; a 2xx answer is believed only if its
    /// signature verifies.
    func call(
        _ method: String, _ path: String, body: [String: Any]?, operation: ChannelOperation, extraHeaders: HTTPHeaders = [:]
    ) async throws -> WeChatPayV3Answer {
        let (request, _) = try signedRequest(method, url: configuration.baseURL + path, body: body, extraHeaders: extraHeaders)
        let response: HTTPResponse
        do {
            response = try await transport.send(request)
        } catch let error as TransportError {
            logger.debug("hispay.wechatpay.transport", metadata: ["operation": "\(operation)", "code": "\(error.code)"])
            if error.isRetrySafe {
                throw ChannelError(.transport, channel: id, operation: operation, reason: error.reason, isRetrySafe: true)
            }
            return WeChatPayV3Answer(status: 0, success: nil, channelStatus: ChannelStatus(code: nil, message: "\(error.code): \(error.reason)"))
        }
        let json = response.body.isEmpty ? [:] : (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any]
        let is2xx = (200..<300).contains(response.status)
        // A 2xx answer with a top-level `code` is a status (e.g. 202 USERPAYING), not a result.
        let isResult = is2xx && json?["code"] == nil
        if is2xx || response.headers["Wechatpay-Signature"] != nil {
            do {
                try await verifySigned(headers: response.headers, body: response.body)
            } catch let error as ChannelError {
                throw ChannelError(error.code, channel: id, operation: operation, reason: "answer to \(operation) not trusted: \(error.reason)", status: ChannelStatus(httpStatus: response.status))
            }
        }
        if is2xx, json == nil {
            throw ChannelError(.invalidResponse, channel: id, operation: operation, reason: "answer to \(operation) is not JSON (HTTP \(response.status))")
        }
        let status = ChannelStatus(code: json?["code"] as? String, message: json?["message"] as? String, httpStatus: response.status)
        return WeChatPayV3Answer(status: response.status, success: isResult ? json : nil, channelStatus: status)
    }
}
