import Foundation
import HISPayCore
import HISPayCrypto

/// WeChat Pay legacy APIv2 (XML) behind `PaymentChannel`: `unifiedorder` (JSAPI, NATIVE, MWEB,
/// APP), `micropay` (barcode), `orderquery`, `closeorder`, `reverse` and `refund` (both over mutual
/// TLS with the merchant's client certificate), `refundquery`, `downloadbill`, and callbacks.
///
/// `return_code` FAIL (the gateway refused the request) is a failure; a signed answer with
/// `result_code` FAIL maps its `err_code`: `USERPAYING` → pending, `SYSTEMERROR`/`BANKERROR`/
/// `ORDERPAID` → unknown (query), others → failure. Answers are signature-checked before use.
public final class WeChatPayV2Channel: PaymentChannel {
    public let id = ChannelID.wechatPayV2
    public let capabilities = ChannelCapabilities(
        operations: [.pay, .query, .close, .reverse, .refund, .refundQuery, .callback, .statement],
        scenes: [.barcode, .qrCode, .jsapi, .h5, .app])

    public let configuration: WeChatPayV2Configuration
    private let transport: any HTTPTransport
    private let certificateTransport: (any HTTPTransport)?
    private let time: any TimeSource
    private let nonces: any NonceSource

    /// `certificateTransport` must present the merchant's client certificate (e.g. a `CurlTransport`
    /// configured with `apiclient_cert.p12`); refunds and reversals need it.
    public init(
        configuration: WeChatPayV2Configuration,
        transport: any HTTPTransport,
        certificateTransport: (any HTTPTransport)?,
        time: any TimeSource = SystemTimeSource(),
        nonces: any NonceSource = RandomNonceSource()
    ) {
        self.configuration = configuration
        self.transport = transport
        self.certificateTransport = certificateTransport
        self.time = time
        self.nonces = nonces
    }

    // MARK: Pay

    public func pay(_ request: PayRequest) async throws -> Outcome<Payment> {
        try capabilities.require(request.scene.kind, on: id)
        var fields = [
            "body": request.subject, "out_trade_no": request.outTradeNo, "total_fee": request.amount.fenString,
            "spbill_create_ip": "127.0.0.1",
        ]
        if let attach = request.attach { fields["attach"] = attach }
        if let expiresAt = request.expiresAt { fields["time_expire"] = BeijingTime.compact(expiresAt) }
        let tradeType: String
        switch request.scene {
        case .barcode(let authCode):
            fields["auth_code"] = authCode
            let answer = try await call("/pay/micropay", fields, operation: .pay)
            guard let result = answer.success else { return answer.outcome() }
            return .success(try payment(result, outTradeNo: request.outTradeNo), answer.status)
        case .qrCode: tradeType = "NATIVE"
        case .jsapi(let payer):
            tradeType = "JSAPI"
            fields["openid"] = payer.payerID
        case .h5(let clientIP):
            tradeType = "MWEB"
            fields["spbill_create_ip"] = clientIP
            fields["scene_info"] = #"{"h5_info":{"type":"Wap"}}"#
        case .app: tradeType = "APP"
        }
        guard let notifyURL = request.notifyURL ?? configuration.notifyURL else {
            throw ChannelError(.invalidRequest, channel: id, operation: .pay, reason: "WeChat Pay v2 needs a notify URL (request or profile notifyURL)")
        }
        fields["notify_url"] = notifyURL
        fields["trade_type"] = tradeType
        let answer = try await call("/pay/unifiedorder", fields, operation: .pay)
        guard let result = answer.success else { return answer.outcome() }
        let action: PayerAction
        switch tradeType {
        case "NATIVE": action = .qrCode(try require("code_url", result, .pay))
        case "MWEB": action = .redirect(try require("mweb_url", result, .pay))
        case "JSAPI":
            var parameters = [
                "appId": configuration.appID, "timeStamp": String(Int64(time.now().timeIntervalSince1970)),
                "nonceStr": nonces.nextNonce(), "package": "prepay_id=\(try require("prepay_id", result, .pay))",
                "signType": configuration.signer.signType.rawValue,
            ]
            parameters["paySign"] = try configuration.signer.sign(parameters)
            action = .jsapiParameters(parameters)
        default:
            var parameters = [
                "appid": configuration.appID, "partnerid": configuration.merchantID, "prepayid": try require("prepay_id", result, .pay),
                "package": "Sign=WXPay", "noncestr": nonces.nextNonce(), "timestamp": String(Int64(time.now().timeIntervalSince1970)),
            ]
            parameters["sign"] = try configuration.signer.sign(parameters)
            action = .appParameters(parameters)
        }
        return .pending(Payment(outTradeNo: request.outTradeNo, amount: request.amount, payerAction: action), answer.status)
    }

    // MARK: Query, close, reverse

    public func query(_ order: OrderReference) async throws -> Outcome<Payment> {
        var fields: [String: String] = [:]
        if let transactionID = order.transactionID { fields["transaction_id"] = transactionID } else {
            fields["out_trade_no"] = try outTradeNo(order, .query)
        }
        let answer = try await call("/pay/orderquery", fields, operation: .query)
        guard let result = answer.success else { return answer.outcome() }
        let state = try require("trade_state", result, .query)
        let status = ChannelStatus(code: state, message: result["trade_state_desc"], httpStatus: answer.status.httpStatus)
        switch state {
        case "SUCCESS", "REFUND": return .success(try payment(result, outTradeNo: order.outTradeNo), status)
        case "NOTPAY", "USERPAYING": return .pending(nil, status)
        case "CLOSED", "REVOKED", "PAYERROR": return .failure(status)
        default: return .unknown(status)
        }
    }

    public func close(_ order: OrderReference) async throws -> Outcome<Reversal> {
        let answer = try await call("/pay/closeorder", ["out_trade_no": try outTradeNo(order, .close)], operation: .close)
        guard answer.success != nil else { return answer.outcome() }
        return .success(Reversal(order: order), answer.status)
    }

    public func reverse(_ order: OrderReference) async throws -> Outcome<Reversal> {
        let answer = try await call("/secapi/pay/reverse", ["out_trade_no": try outTradeNo(order, .reverse)], operation: .reverse, clientCertificate: true)
        guard let result = answer.success else { return answer.outcome() }
        return .success(Reversal(order: order, mustRetry: result["recall"] == "Y"), answer.status)
    }

    // MARK: Refunds

    public func refund(_ request: RefundRequest) async throws -> Outcome<Refund> {
        guard request.refundAmount.fen > 0, request.refundAmount <= request.totalAmount else {
            throw ChannelError(.invalidRequest, channel: id, operation: .refund, reason: "refund \(request.refundAmount) must be above zero and at most the order total \(request.totalAmount)")
        }
        var fields = [
            "out_refund_no": request.outRefundNo, "total_fee": request.totalAmount.fenString,
            "refund_fee": request.refundAmount.fenString,
        ]
        if let transactionID = request.order.transactionID { fields["transaction_id"] = transactionID } else {
            fields["out_trade_no"] = try outTradeNo(request.order, .refund)
        }
        if let reason = request.reason { fields["refund_desc"] = reason }
        if let notifyURL = request.notifyURL ?? configuration.notifyURL { fields["notify_url"] = notifyURL }
        let answer = try await call("/secapi/pay/refund", fields, operation: .refund, clientCertificate: true)
        guard let result = answer.success else { return answer.outcome() }
        let refund = Refund(outRefundNo: request.outRefundNo, refundID: result["refund_id"], amount: request.refundAmount)
        // Accepted: the money moves asynchronously; the refund notify or refundquery says when.
        return .pending(refund, ChannelStatus(code: "PROCESSING", httpStatus: answer.status.httpStatus))
    }

    public func queryRefund(_ refund: RefundReference) async throws -> Outcome<Refund> {
        let answer = try await call("/pay/refundquery", ["out_refund_no": refund.outRefundNo], operation: .refundQuery)
        guard let result = answer.success else { return answer.outcome() }
        // Answers list refunds as refund_status_0, refund_fee_0…; find this one.
        let count = Int(result["refund_count"] ?? "1") ?? 1
        guard let index = (0..<max(count, 1)).first(where: { result["out_refund_no_\($0)"] == refund.outRefundNo }) else {
            throw ChannelError(.invalidResponse, channel: id, operation: .refundQuery, reason: "refundquery answer does not list \(refund.outRefundNo)")
        }
        let state = try require("refund_status_\(index)", result, .refundQuery)
        let feeText = try require("refund_fee_\(index)", result, .refundQuery)
        let amount: Amount
        do { amount = try Amount(fenText: feeText) } catch {
            throw ChannelError(.invalidResponse, channel: id, operation: .refundQuery, reason: "refund_fee_\(index): \(error)")
        }
        let value = Refund(
            outRefundNo: refund.outRefundNo, refundID: result["refund_id_\(index)"], amount: amount,
            refundedAt: result["refund_success_time_\(index)"].flatMap(BeijingTime.parse))
        let status = ChannelStatus(code: state, httpStatus: answer.status.httpStatus)
        switch state {
        case "SUCCESS": return .success(value, status)
        case "PROCESSING": return .pending(value, status)
        case "REFUNDCLOSE", "CHANGE": return .failure(status)
        default: return .unknown(status)
        }
    }

    // MARK: Callbacks and statements

    public func verifyCallback(_ request: CallbackRequest) async throws -> VerifiedCallback {
        try configuration.callbackHandler().handle(request)
    }

    public func callbackRejection(reason: String) -> HTTPResponse { WeChatPayV2CallbackHandler.rejection(reason: reason) }

    /// `downloadbill`: the answer is the bill itself (CSV), or XML with `return_code=FAIL`.
    public func downloadStatement(_ request: StatementRequest) async throws -> StatementFile {
        let fields = try signedFields(["bill_date": request.date.replacingOccurrences(of: "-", with: ""), "bill_type": request.type ?? "ALL"])
        let response = try await send("/pay/downloadbill", fields, operation: .statement, clientCertificate: false)
        guard response.status == 200 else {
            throw ChannelError(.invalidResponse, channel: id, operation: .statement, reason: "downloadbill returned HTTP \(response.status)")
        }
        if response.body.starts(with: Data("<xml>".utf8)) {
            let answer = try WeChatPayV2XML.parse(response.body)
            // `No Bill Exist` (error_code 20002): no trades that day (binarywang/WxJava#1241 on the text's case).
            let none = answer["error_code"] == "20002" || answer["return_msg"]?.lowercased() == "no bill exist"
            throw ChannelError(
                none ? .noStatement : .invalidResponse, channel: id, operation: .statement,
                reason: "downloadbill refused: \(answer["return_msg"] ?? "?") (\(answer["error_code"] ?? answer["err_code"] ?? "-"))",
                status: ChannelStatus(code: answer["error_code"] ?? answer["return_code"], message: answer["return_msg"], httpStatus: 200))
        }
        return StatementFile(channel: id, date: request.date, format: "wechatpay.tradebill.csv", contents: response.body)
    }

    // MARK: Plumbing

    private func outTradeNo(_ order: OrderReference, _ operation: ChannelOperation) throws -> String {
        guard let outTradeNo = order.outTradeNo else {
            throw ChannelError(.invalidRequest, channel: id, operation: operation, reason: "\(operation) needs the merchant order number")
        }
        return outTradeNo
    }

    private func require(_ key: String, _ fields: [String: String], _ operation: ChannelOperation) throws(ChannelError) -> String {
        guard let value = fields[key], !value.isEmpty else {
            throw ChannelError(.invalidResponse, channel: id, operation: operation, reason: "answer lacks \(key)")
        }
        return value
    }

    private func payment(_ result: [String: String], outTradeNo: String?) throws -> Payment {
        let amount: Amount?
        do { amount = try result["total_fee"].map { try Amount(fenText: $0) } } catch {
            throw ChannelError(.invalidResponse, channel: id, reason: "total_fee: \(error)")
        }
        return Payment(
            outTradeNo: result["out_trade_no"] ?? outTradeNo ?? "", transactionID: result["transaction_id"], amount: amount,
            paidAt: result["time_end"].flatMap(BeijingTime.parse))
    }

    private func signedFields(_ fields: [String: String]) throws -> [String: String] {
        var all = fields
        all["appid"] = configuration.appID
        all["mch_id"] = configuration.merchantID
        all["nonce_str"] = nonces.nextNonce()
        if configuration.signer.signType == .hmacSHA256 { all["sign_type"] = "HMAC-SHA256" }
        all["sign"] = try configuration.signer.sign(all)
        return all
    }

    private func send(_ path: String, _ fields: [String: String], operation: ChannelOperation, clientCertificate: Bool) async throws -> HTTPResponse {
        guard let chosen = clientCertificate ? certificateTransport : transport else {
            throw ChannelError(.configuration, channel: id, operation: operation, reason: "\(operation) needs the merchant client certificate (clientCertificate)")
        }
        let request = HTTPRequest(
            method: "POST", url: configuration.baseURL + path, headers: ["Content-Type": "text/xml; charset=utf-8"],
            body: WeChatPayV2XML.build(fields))
        do {
            return try await chosen.send(request)
        } catch let error as TransportError where error.isRetrySafe {
            throw ChannelError(.transport, channel: id, operation: operation, reason: error.reason, isRetrySafe: true)
        }
    }

    /// Sends a signed request and classifies the answer.
    private func call(_ path: String, _ fields: [String: String], operation: ChannelOperation, clientCertificate: Bool = false) async throws -> WeChatPayV2Answer {
        let response: HTTPResponse
        do {
            response = try await send(path, try signedFields(fields), operation: operation, clientCertificate: clientCertificate)
        } catch let error as TransportError {
            return WeChatPayV2Answer(success: nil, status: ChannelStatus(message: "\(error.code): \(error.reason)"), gatewayRefused: false)
        }
        guard (200..<300).contains(response.status) else {
            return WeChatPayV2Answer(success: nil, status: ChannelStatus(httpStatus: response.status), gatewayRefused: false)
        }
        let result = try WeChatPayV2XML.parse(response.body)
        guard result["return_code"] == "SUCCESS" else {
            return WeChatPayV2Answer(
                success: nil, status: ChannelStatus(code: result["return_code"] ?? "FAIL", message: result["return_msg"], httpStatus: response.status),
                gatewayRefused: true)
        }
        do {
            try configuration.signer.verify(result)
        } catch {
            throw ChannelError(.signatureInvalid, channel: id, operation: operation, reason: "answer to \(operation) not trusted: \(error.reason)")
        }
        let status = ChannelStatus(
            code: result["result_code"] == "SUCCESS" ? "SUCCESS" : result["err_code"], message: result["err_code_des"] ?? result["return_msg"],
            httpStatus: response.status)
        return WeChatPayV2Answer(success: result["result_code"] == "SUCCESS" ? result : nil, status: status, gatewayRefused: false)
    }
}
