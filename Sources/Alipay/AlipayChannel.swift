import Foundation
import HISPayCore
import HISPayCrypto

/// Alipay's OpenAPI gateway behind `PaymentChannel`: barcode (`alipay.trade.pay`), QR
/// (`precreate`), service window / mini program JSAPI (`create` with the buyer id), WAP and app
/// (signed URL / order string), query, close, cancel, refund, refund query, fund authorisation
/// (freeze → capture with `auth_no` → unfreeze), and the trade bill archive.
///
/// Answers are verified over their raw `…_response` text. `code` maps onto the four outcomes:
/// `10000` success, `10003` pending (payer entering a password), `20000` and `ACQ.SYSTEM_ERROR`
/// unknown (query), `ACQ.TRADE_HAS_SUCCESS` unknown (already paid: query), other `40004` and gateway
/// errors failure.
public final class AlipayChannel: PaymentChannel {
    public let id = ChannelID.alipay
    public let capabilities = ChannelCapabilities(
        operations: ChannelOperation.core.union([.reverse]).union(ChannelOperation.preAuthorization),
        scenes: [.barcode, .qrCode, .jsapi, .h5, .app])

    public let configuration: AlipayConfiguration
    private let transport: any HTTPTransport
    private let time: any TimeSource

    public init(configuration: AlipayConfiguration, transport: any HTTPTransport, time: any TimeSource = SystemTimeSource()) {
        self.configuration = configuration
        self.transport = transport
        self.time = time
    }

    // MARK: Pay

    public func pay(_ request: PayRequest) async throws -> Outcome<Payment> {
        try capabilities.require(request.scene.kind, on: id)
        var biz: [String: Any] = [
            "out_trade_no": request.outTradeNo, "total_amount": request.amount.yuanString, "subject": request.subject,
        ]
        if let expiresAt = request.expiresAt { biz["time_expire"] = BeijingTime.format(expiresAt) }
        if let attach = request.attach { biz["passback_params"] = attach }
        switch request.scene {
        case .barcode(let authCode):
            biz["scene"] = "bar_code"
            biz["auth_code"] = authCode
            biz["product_code"] = "FACE_TO_FACE_PAYMENT"
            let answer = try await call("alipay.trade.pay", biz, notify: nil, operation: .pay)
            guard let fields = answer.success else { return answer.outcome() }
            return .success(try payment(fields, outTradeNo: request.outTradeNo), answer.status)
        case .qrCode:
            let answer = try await call("alipay.trade.precreate", biz, notify: notifyURL(request), operation: .pay)
            guard let fields = answer.success else { return answer.outcome() }
            return .pending(Payment(outTradeNo: request.outTradeNo, amount: request.amount, payerAction: .qrCode(try text("qr_code", fields))), answer.status)
        case .jsapi(let payer):
            biz[payer.payerID.hasPrefix("2088") ? "buyer_id" : "buyer_open_id"] = payer.payerID
            biz["product_code"] = "JSAPI_PAY"
            let answer = try await call("alipay.trade.create", biz, notify: notifyURL(request), operation: .pay)
            guard let fields = answer.success else { return answer.outcome() }
            let tradeNo = try text("trade_no", fields)
            return .pending(Payment(outTradeNo: request.outTradeNo, transactionID: tradeNo, amount: request.amount, payerAction: .jsapiParameters(["tradeNO": tradeNo])), answer.status)
        case .h5:
            biz["product_code"] = "QUICK_WAP_WAY"
            let parameters = try signedParameters("alipay.trade.wap.pay", biz, notify: notifyURL(request))
            let action = PayerAction.redirect(configuration.gateway + "?" + AlipayForm.encode(parameters))
            return .pending(Payment(outTradeNo: request.outTradeNo, amount: request.amount, payerAction: action), ChannelStatus(code: "SIGNED"))
        case .app:
            biz["product_code"] = "QUICK_MSECURITY_PAY"
            let parameters = try signedParameters("alipay.trade.app.pay", biz, notify: notifyURL(request))
            let action = PayerAction.appParameters(["orderString": AlipayForm.encode(parameters)])
            return .pending(Payment(outTradeNo: request.outTradeNo, amount: request.amount, payerAction: action), ChannelStatus(code: "SIGNED"))
        }
    }

    // MARK: Query, close, cancel

    public func query(_ order: OrderReference) async throws -> Outcome<Payment> {
        let answer = try await call("alipay.trade.query", try orderFields(order, .query), notify: nil, operation: .query)
        guard let fields = answer.success else { return answer.outcome() }
        let state = try text("trade_status", fields)
        let status = ChannelStatus(code: state, httpStatus: answer.status.httpStatus)
        switch state {
        case "TRADE_SUCCESS", "TRADE_FINISHED": return .success(try payment(fields, outTradeNo: order.outTradeNo), status)
        case "WAIT_BUYER_PAY": return .pending(try payment(fields, outTradeNo: order.outTradeNo), status)
        case "TRADE_CLOSED": return .failure(status)
        default: return .unknown(status)
        }
    }

    public func close(_ order: OrderReference) async throws -> Outcome<Reversal> {
        let answer = try await call("alipay.trade.close", try orderFields(order, .close), notify: nil, operation: .close)
        guard answer.success != nil else { return answer.outcome() }
        return .success(Reversal(order: order), answer.status)
    }

    /// `alipay.trade.cancel`: closes an unpaid trade or refunds a paid one; `retry_flag=Y` asks for another call.
    public func reverse(_ order: OrderReference) async throws -> Outcome<Reversal> {
        let answer = try await call("alipay.trade.cancel", try orderFields(order, .reverse), notify: nil, operation: .reverse)
        guard let fields = answer.success else { return answer.outcome() }
        return .success(Reversal(order: order, mustRetry: fields["retry_flag"] as? String == "Y", refunded: fields["action"] as? String == "refund"), answer.status)
    }

    // MARK: Refunds

    public func refund(_ request: RefundRequest) async throws -> Outcome<Refund> {
        guard request.refundAmount.fen > 0, request.refundAmount <= request.totalAmount else {
            throw ChannelError(.invalidRequest, channel: id, operation: .refund, reason: "refund \(request.refundAmount) must be above zero and at most the order total \(request.totalAmount)")
        }
        var biz = try orderFields(request.order, .refund)
        biz["refund_amount"] = request.refundAmount.yuanString
        biz["out_request_no"] = request.outRefundNo
        if let reason = request.reason { biz["refund_reason"] = reason }
        let answer = try await call("alipay.trade.refund", biz, notify: nil, operation: .refund)
        guard let fields = answer.success else { return answer.outcome() }
        let refund = Refund(
            outRefundNo: request.outRefundNo, refundID: fields["trade_no"] as? String, amount: request.refundAmount,
            refundedAt: (fields["gmt_refund_pay"] as? String).flatMap(BeijingTime.parse))
        // fund_change=N: this out_request_no moved no money now (e.g. already refunded): query to be sure.
        return fields["fund_change"] as? String == "Y" ? .success(refund, answer.status) : .unknown(ChannelStatus(code: "FUND_CHANGE_N", httpStatus: answer.status.httpStatus))
    }

    public func queryRefund(_ refund: RefundReference) async throws -> Outcome<Refund> {
        guard let order = refund.order else {
            throw ChannelError(.invalidRequest, channel: id, operation: .refundQuery, reason: "Alipay refund queries need the order (out_trade_no or trade_no)")
        }
        var biz = try orderFields(order, .refundQuery)
        biz["out_request_no"] = refund.outRefundNo
        biz["query_options"] = ["gmt_refund_pay"]
        let answer = try await call("alipay.trade.fastpay.refund.query", biz, notify: nil, operation: .refundQuery)
        guard let fields = answer.success else { return answer.outcome() }
        let state = fields["refund_status"] as? String
        guard let amountText = fields["refund_amount"] as? String, state == nil || state == "REFUND_SUCCESS" else {
            return .unknown(ChannelStatus(code: state ?? "NOT_REFUNDED", httpStatus: answer.status.httpStatus))
        }
        let value = Refund(
            outRefundNo: refund.outRefundNo, refundID: fields["trade_no"] as? String, amount: try amount(amountText, "refund_amount"),
            refundedAt: (fields["gmt_refund_pay"] as? String).flatMap(BeijingTime.parse))
        return .success(value, ChannelStatus(code: state ?? "REFUND_SUCCESS", httpStatus: answer.status.httpStatus))
    }

    // MARK: Pre-authorisation (fund authorisation)

    public func freeze(_ request: FreezeRequest) async throws -> Outcome<Authorization> {
        guard let authCode = request.authCode else {
            throw ChannelError(.invalidRequest, channel: id, operation: .freeze, reason: "a counter freeze needs the payer's auth code")
        }
        let biz: [String: Any] = [
            "auth_code": authCode, "auth_code_type": "bar_code", "out_order_no": request.outOrderNo,
            "out_request_no": request.outRequestNo, "order_title": request.title, "amount": request.amount.yuanString,
            "product_code": "PREAUTH_PAY",
        ]
        let answer = try await call("alipay.fund.auth.order.freeze", biz, notify: request.notifyURL ?? configuration.notifyURL, operation: .freeze)
        guard let fields = answer.success else { return answer.outcome() }
        let authorization = Authorization(
            authorizationID: try text("auth_no", fields), outOrderNo: request.outOrderNo,
            frozen: try amount(fields["amount"] as? String ?? request.amount.yuanString, "amount"))
        return fields["status"] as? String == "SUCCESS" ? .success(authorization, answer.status) : .pending(authorization, answer.status)
    }

    /// `alipay.trade.pay` with the `auth_no`: takes `amount` from the frozen funds; the rest stays
    /// frozen until ``release(_:)``.
    public func capture(_ request: CaptureRequest) async throws -> Outcome<Payment> {
        let biz: [String: Any] = [
            "out_trade_no": request.outTradeNo, "total_amount": request.amount.yuanString, "subject": request.subject,
            "product_code": "PREAUTH_PAY", "auth_no": request.authorizationID, "auth_confirm_mode": "NOT_COMPLETE",
        ]
        let answer = try await call("alipay.trade.pay", biz, notify: configuration.notifyURL, operation: .capture)
        guard let fields = answer.success else { return answer.outcome() }
        return .success(try payment(fields, outTradeNo: request.outTradeNo), answer.status)
    }

    public func release(_ request: ReleaseRequest) async throws -> Outcome<Authorization> {
        let biz: [String: Any] = [
            "auth_no": request.authorizationID, "out_request_no": request.outRequestNo, "amount": request.amount.yuanString,
            "remark": request.remark,
        ]
        let answer = try await call("alipay.fund.auth.order.unfreeze", biz, notify: nil, operation: .release)
        guard let fields = answer.success else { return answer.outcome() }
        let authorization = Authorization(
            authorizationID: request.authorizationID, outOrderNo: fields["out_order_no"] as? String ?? "", frozen: .zero,
            released: try amount(fields["amount"] as? String ?? request.amount.yuanString, "amount"))
        return fields["status"] as? String == "SUCCESS" ? .success(authorization, answer.status) : .pending(authorization, answer.status)
    }

    // MARK: Callbacks and statements

    /// An asynchronous notification, or — posted to the same URL when it is the service window's
    /// gateway — a service-window message (``AlipayServiceWindowGateway``).
    public func verifyCallback(_ request: CallbackRequest) async throws -> VerifiedCallback {
        let form = try AlipayForm.decode(request.body)
        if AlipayServiceWindowGateway.isGatewayMessage(form) {
            return try AlipayServiceWindowGateway(verifier: configuration.verifier, signer: configuration.signer, appID: configuration.appID)
                .handle(form: form, now: time.now())
        }
        return try AlipayNotificationHandler(verifier: configuration.verifier, appID: configuration.appID).handle(form: form)
    }

    public func callbackRejection(reason: String) -> HTTPResponse { AlipayNotificationHandler.rejection }

    /// Asks for the bill URL (`bill_type` `trade` by default) and downloads the zip archive at once
    /// (the URL is valid for about 30 seconds).
    public func downloadStatement(_ request: StatementRequest) async throws -> StatementFile {
        let answer = try await call(
            "alipay.data.dataservice.bill.downloadurl.query", ["bill_type": request.type ?? "trade", "bill_date": request.date], notify: nil,
            operation: .statement)
        guard let fields = answer.success else {
            // Asked before the day's bill exists (made by 09:00 the next day, alipay/alipay-sdk-java-all
            // v3/docs/AlipayDataDataserviceBillDownloadurlApi.md) or for a day without trades.
            let code: ChannelError.Code = answer.status.subCode == "isp.bill_not_exist" ? .noStatement : .invalidResponse
            throw ChannelError(code, channel: id, operation: .statement, reason: "bill URL request failed", status: answer.status)
        }
        let url = try text("bill_download_url", fields)
        let response: HTTPResponse
        do { response = try await transport.send(HTTPRequest(method: "GET", url: url)) } catch let error as TransportError {
            throw ChannelError(.transport, channel: id, operation: .statement, reason: error.reason, isRetrySafe: true)
        }
        guard response.status == 200, !response.body.isEmpty else {
            throw ChannelError(.invalidResponse, channel: id, operation: .statement, reason: "bill download returned HTTP \(response.status) with \(response.body.count) bytes")
        }
        return StatementFile(channel: id, date: request.date, format: "alipay.bill.zip", contents: response.body)
    }

    // MARK: Plumbing

    private func notifyURL(_ request: PayRequest) -> String? { request.notifyURL ?? configuration.notifyURL }

    private func orderFields(_ order: OrderReference, _ operation: ChannelOperation) throws -> [String: Any] {
        if let transactionID = order.transactionID { return ["trade_no": transactionID] }
        if let outTradeNo = order.outTradeNo { return ["out_trade_no": outTradeNo] }
        throw ChannelError(.invalidRequest, channel: id, operation: operation, reason: "an order reference needs outTradeNo or transactionID")
    }

    private func text(_ key: String, _ fields: [String: Any]) throws(ChannelError) -> String {
        guard let value = fields[key] as? String, !value.isEmpty else {
            throw ChannelError(.invalidResponse, channel: id, reason: "answer lacks \(key)")
        }
        return value
    }

    private func amount(_ text: String, _ key: String) throws(ChannelError) -> Amount {
        do { return try Amount(yuan: text) } catch {
            throw ChannelError(.invalidResponse, channel: id, reason: "\(key): \(error)")
        }
    }

    private func payment(_ fields: [String: Any], outTradeNo: String?) throws -> Payment {
        Payment(
            outTradeNo: fields["out_trade_no"] as? String ?? outTradeNo ?? "", transactionID: fields["trade_no"] as? String,
            amount: try (fields["total_amount"] as? String).map { try amount($0, "total_amount") },
            paidAt: (fields["gmt_payment"] as? String ?? fields["send_pay_date"] as? String).flatMap(BeijingTime.parse))
    }

    /// The common parameters plus `biz_content`, signed.
    func signedParameters(_ method: String, _ biz: [String: Any], notify: String?) throws -> [String: String] {
        let bizText = String(decoding: try JSONSerialization.data(withJSONObject: biz, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
        var parameters = [
            "app_id": configuration.appID, "method": method, "format": "JSON", "charset": "utf-8",
            "sign_type": configuration.signer.signType.rawValue, "timestamp": BeijingTime.format(time.now()), "version": "1.0",
            "biz_content": bizText,
        ]
        if let notify { parameters["notify_url"] = notify }
        if let appCertSN = configuration.appCertSN, let root = configuration.alipayRootCertSN {
            parameters["app_cert_sn"] = appCertSN
            parameters["alipay_root_cert_sn"] = root
        }
        if let cipher = configuration.contentCipher {
            parameters["encrypt_type"] = "AES"
            parameters["biz_content"] = try cipher.encrypt(bizText)
        }
        parameters["sign"] = try configuration.signer.sign(parameters).signature
        return parameters
    }

    func call(_ method: String, _ biz: [String: Any], notify: String?, operation: ChannelOperation) async throws -> AlipayAnswer {
        let parameters = try signedParameters(method, biz, notify: notify)
        let request = HTTPRequest(
            method: "POST", url: configuration.gateway + "?charset=utf-8",
            headers: ["Content-Type": "application/x-www-form-urlencoded;charset=utf-8"], body: Data(AlipayForm.encode(parameters).utf8))
        let response: HTTPResponse
        do {
            response = try await transport.send(request)
        } catch let error as TransportError {
            if error.isRetrySafe { throw ChannelError(.transport, channel: id, operation: operation, reason: error.reason, isRetrySafe: true) }
            return AlipayAnswer(success: nil, status: ChannelStatus(message: "\(error.code): \(error.reason)"), gatewayError: false)
        }
        guard (200..<300).contains(response.status) else {
            return AlipayAnswer(success: nil, status: ChannelStatus(httpStatus: response.status), gatewayError: false)
        }
        var text = try AlipayResponseText(body: response.body, method: method)
        do {
            try configuration.verifier.verify(text, method: method)
        } catch {
            throw ChannelError(error.code, channel: id, operation: operation, reason: error.reason, status: ChannelStatus(httpStatus: response.status))
        }
        if text.encryptedContent != nil {
            guard let cipher = configuration.contentCipher else {
                throw ChannelError(.configuration, channel: id, operation: operation, reason: "answer is encrypted but no encryptKey is configured")
            }
            try text.decrypt(with: cipher)
        }
        let code = text.fields["code"] as? String
        let status = ChannelStatus(
            code: code, subCode: text.fields["sub_code"] as? String,
            message: (text.fields["sub_msg"] as? String) ?? (text.fields["msg"] as? String), httpStatus: response.status)
        return AlipayAnswer(success: code == "10000" ? text.fields : nil, status: status, gatewayError: text.isGatewayError)
    }
}
