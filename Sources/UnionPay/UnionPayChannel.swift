import Foundation
import HISPayCore
import HISPayCrypto
import Synchronization

/// UnionPay ACP 5.1.0 behind `PaymentChannel`: front consume (the auto-submitting form, `.h5`),
/// QR payments — merchant-presented (`.qrCode`, apply for a code 01/07) and user-presented
/// (`.barcode`, 01/06) — query, consume undo (`reverse`, same settlement day, full amount), refund
/// (partial, repeated up to the original, new order id), QR pre-authorisation (02/04), completion
/// (03/00) and undo (32/00), and the reconciliation file (76/01).
///
/// A back-end `respCode` `00` means *accepted*, not paid: money operations come back pending until the
/// back notification or a query says so. `03`/`04`/`05` and timeouts are unknown (query on the back-off
/// schedule 1, 2, 4, 8, 16, 32 s); query answers report the original's `origRespCode` (`00` success,
/// `A6` success with a partial flag, `03`/`04`/`05` pending).
public final class UnionPayChannel: PaymentChannel {
    public let id = ChannelID.unionPay
    public let capabilities = ChannelCapabilities(
        operations: [.pay, .query, .reverse, .refund, .refundQuery, .callback, .statement, .freeze, .capture, .release],
        scenes: [.barcode, .qrCode, .h5])

    /// The documented back-off between queries of a back transaction still in 03/04/05.
    public static let queryBackoff: [Duration] = [1, 2, 4, 8, 16, 32].map { .seconds($0) }

    public let configuration: UnionPayConfiguration
    private let transport: any HTTPTransport
    private let time: any TimeSource
    /// The request time and UnionPay serial of orders this channel sent, so later queries and undos
    /// can name them (bounded).
    private let sent = Mutex<[String: (time: Date, queryID: String?)]>([:])

    public init(configuration: UnionPayConfiguration, transport: any HTTPTransport, time: any TimeSource = SystemTimeSource()) {
        self.configuration = configuration
        self.transport = transport
        self.time = time
    }

    // MARK: Pay

    public func pay(_ request: PayRequest) async throws -> Outcome<Payment> {
        try capabilities.require(request.scene.kind, on: id)
        var fields = [
            "orderId": try orderID(request.outTradeNo), "txnAmt": request.amount.fenString, "currencyCode": "156",
            "backUrl": try backURL(request.notifyURL),
        ]
        if let expiresAt = request.expiresAt { fields["payTimeout"] = BeijingTime.compact(expiresAt) }
        if let attach = request.attach { fields["reqReserved"] = attach }
        switch request.scene {
        case .h5:
            fields.merge(["txnType": "01", "txnSubType": "01", "bizType": "000201", "channelType": "08"]) { $1 }
            guard let frontURL = configuration.frontURL else {
                throw ChannelError(.invalidRequest, channel: id, operation: .pay, reason: "a front consume needs the profile's frontURL")
            }
            fields["frontUrl"] = frontURL
            let signed = try sign(fields, orderID: request.outTradeNo, at: request.requestTime)
            let form = Self.autoSubmitForm(action: configuration.gateway + "/gateway/api/frontTransReq.do", fields: signed)
            return .pending(Payment(outTradeNo: request.outTradeNo, amount: request.amount, payerAction: .htmlForm(form)), ChannelStatus(code: "SIGNED"))
        case .qrCode:
            fields.merge(["txnType": "01", "txnSubType": "07", "bizType": "000000", "channelType": "08"]) { $1 }
            let answer = try await call("/gateway/api/backTransReq.do", fields, orderID: request.outTradeNo, operation: .pay, at: request.requestTime)
            guard answer.accepted, let code = answer.fields["qrCode"], !code.isEmpty else { return answer.outcome() }
            return .pending(Payment(outTradeNo: request.outTradeNo, amount: request.amount, payerAction: .qrCode(code)), answer.status)
        case .barcode(let authCode):
            fields.merge(["txnType": "01", "txnSubType": "06", "bizType": "000000", "channelType": "08", "qrNo": authCode]) { $1 }
            let answer = try await call("/gateway/api/backTransReq.do", fields, orderID: request.outTradeNo, operation: .pay, at: request.requestTime)
            guard answer.accepted else { return answer.outcome() }
            return .pending(Payment(outTradeNo: request.outTradeNo, transactionID: answer.fields["queryId"], amount: request.amount), answer.status)
        default:
            throw ChannelError.unsupported(.pay, on: id)
        }
    }

    // MARK: Query and undo

    public func query(_ order: OrderReference) async throws -> Outcome<Payment> {
        let answer = try await queryAnswer(order, operation: .query)
        guard answer.accepted else { return answer.outcome() }
        let original = answer.fields["origRespCode"] ?? ""
        let status = ChannelStatus(code: original, subCode: answer.fields["respCode"], message: answer.fields["origRespMsg"], httpStatus: answer.status.httpStatus)
        let payment = try Payment(
            outTradeNo: answer.fields["orderId"] ?? order.outTradeNo ?? "", transactionID: answer.fields["queryId"],
            amount: answer.fields["txnAmt"].map { try fen($0, "txnAmt") }, paidAt: answer.fields["txnTime"].flatMap(BeijingTime.parse))
        if let queryID = answer.fields["queryId"], let orderID = answer.fields["orderId"] {
            sent.withLock { $0[orderID] = ($0[orderID]?.time ?? time.now(), queryID) }
        }
        switch original {
        case "00", "A6": return .success(payment, status)
        case "03", "04", "05": return .pending(payment, status)
        default: return .failure(status)
        }
    }

    /// Consume undo (31/00): only on the settlement day of the original and only for its full amount;
    /// the gateway refuses it otherwise. The original must be known by `queryId` (the transaction id)
    /// or have been sent by this channel.
    public func reverse(_ order: OrderReference) async throws -> Outcome<Reversal> {
        guard let outTradeNo = order.outTradeNo else {
            throw ChannelError(.invalidRequest, channel: id, operation: .reverse, reason: "consume undo needs the original order number (its amount and a new order id derive from it)")
        }
        let (amount, queried) = try await originalPayment(order)
        let original = try await originalQueryID(order, .reverse, known: queried)
        let undoID = try orderID(outTradeNo + "U")
        let fields = [
            "txnType": "31", "txnSubType": "00", "bizType": "000201", "channelType": "07", "origQryId": original, "orderId": undoID,
            "txnAmt": amount.fenString, "backUrl": try backURL(nil),
        ]
        let answer = try await call("/gateway/api/backTransReq.do", fields, orderID: undoID, operation: .reverse)
        guard answer.accepted else { return answer.outcome() }
        return .success(Reversal(order: order, refunded: true), answer.status)
    }

    /// A back card consume (01/01, bizType 000301; see ``UnionPayBackConsume``): `accNo` and the
    /// sensitive `customerInfo` fields encrypted (RSA PKCS#1 v1.5, base64, as UnionPay's SDKs do) to the
    /// profile's `encryptCertificate`, named by `encryptCertId`; `customerInfo` base64 of `{k=v&…}`.
    /// `respCode` `00` is accepted — the notification or a query says paid — like the other back
    /// transactions. Refused before sending without an encryption certificate: a card number never
    /// travels in the clear.
    public func backConsume(_ request: UnionPayBackConsume) async throws -> Outcome<Payment> {
        guard let certificate = configuration.encryptionCertificate else {
            throw ChannelError(.configuration, channel: id, operation: .pay, reason: "a back card consume needs the profile's encryptCertificate (UnionPay's acp_*_enc.cer)")
        }
        guard (13...19).contains(request.cardNumber.count), request.cardNumber.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw ChannelError(.invalidRequest, channel: id, operation: .pay, reason: "the card number must be 13-19 digits (card \(request.maskedCardNumber))")
        }
        guard request.amount.fen > 0 else { throw ChannelError(.invalidRequest, channel: id, operation: .pay, reason: "the amount must be above zero") }
        func seal(_ text: String) throws -> String { Base64.encode(try RSAPKCS1.encrypt(Array(text.utf8), to: certificate.publicKey)) }
        func pairs(encrypted: Bool) -> [String] {
            request.customerInfo.filter { UnionPayBackConsume.encryptedFields.contains($0.key) == encrypted }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        }
        let (plain, secret) = (pairs(encrypted: false), pairs(encrypted: true))
        let info = "{" + (plain + (secret.isEmpty ? [] : ["encryptedInfo=" + (try seal(secret.joined(separator: "&")))])).joined(separator: "&") + "}"
        let fields = [
            "txnType": "01", "txnSubType": "01", "bizType": "000301", "channelType": "07", "orderId": try orderID(request.outTradeNo),
            "txnAmt": request.amount.fenString, "currencyCode": "156", "accType": "01", "accNo": try seal(request.cardNumber),
            "encryptCertId": certificate.serialNumberDecimal, "customerInfo": Base64.encode(Array(info.utf8)), "backUrl": try backURL(request.notifyURL),
        ]
        let answer = try await call("/gateway/api/backTransReq.do", fields, orderID: request.outTradeNo, operation: .pay, at: request.requestTime)
        guard answer.accepted else { return answer.outcome() }
        return .pending(Payment(outTradeNo: request.outTradeNo, transactionID: answer.fields["queryId"], amount: request.amount), answer.status)
    }

    // MARK: Refunds

    /// Refund (04/00): partial and repeated refunds are allowed up to the original amount, each under a
    /// new order id (the refund number). An amount above the original is refused before sending.
    public func refund(_ request: RefundRequest) async throws -> Outcome<Refund> {
        guard request.refundAmount.fen > 0, request.refundAmount <= request.totalAmount else {
            throw ChannelError(.invalidRequest, channel: id, operation: .refund, reason: "refund \(request.refundAmount) must be above zero and at most the original \(request.totalAmount)")
        }
        let fields = [
            "txnType": "04", "txnSubType": "00", "bizType": "000201", "channelType": "07",
            "origQryId": try await originalQueryID(request.order, .refund), "orderId": try orderID(request.outRefundNo),
            "txnAmt": request.refundAmount.fenString, "backUrl": try backURL(request.notifyURL),
        ]
        let answer = try await call("/gateway/api/backTransReq.do", fields, orderID: request.outRefundNo, operation: .refund, at: request.requestTime)
        guard answer.accepted else { return answer.outcome() }
        return .pending(Refund(outRefundNo: request.outRefundNo, refundID: answer.fields["queryId"], amount: request.refundAmount), answer.status)
    }

    public func queryRefund(_ refund: RefundReference) async throws -> Outcome<Refund> {
        let payment = try await query(OrderReference(outTradeNo: refund.outRefundNo, requestTime: refund.requestTime))
        return payment.map { Refund(outRefundNo: refund.outRefundNo, refundID: $0.transactionID, amount: $0.amount ?? .zero, refundedAt: $0.paidAt) }
    }

    // MARK: Pre-authorisation

    /// QR pre-authorisation (02/04): the merchant scans the payer's code.
    public func freeze(_ request: FreezeRequest) async throws -> Outcome<Authorization> {
        guard let authCode = request.authCode else {
            throw ChannelError(.invalidRequest, channel: id, operation: .freeze, reason: "a QR pre-authorisation needs the payer's code")
        }
        let fields = [
            "txnType": "02", "txnSubType": "04", "bizType": "000000", "channelType": "08", "qrNo": authCode,
            "orderId": try orderID(request.outOrderNo), "txnAmt": request.amount.fenString, "currencyCode": "156",
            "backUrl": try backURL(request.notifyURL),
        ]
        let answer = try await call("/gateway/api/backTransReq.do", fields, orderID: request.outOrderNo, operation: .freeze)
        guard answer.accepted else { return answer.outcome() }
        let authorization = Authorization(authorizationID: answer.fields["queryId"] ?? "", outOrderNo: request.outOrderNo, frozen: request.amount)
        return .pending(authorization, answer.status)
    }

    /// Pre-authorisation completion (03/00) for part or all of the frozen amount.
    public func capture(_ request: CaptureRequest) async throws -> Outcome<Payment> {
        let fields = [
            "txnType": "03", "txnSubType": "00", "bizType": "000201", "channelType": "07", "origQryId": request.authorizationID,
            "orderId": try orderID(request.outTradeNo), "txnAmt": request.amount.fenString, "backUrl": try backURL(nil),
        ]
        let answer = try await call("/gateway/api/backTransReq.do", fields, orderID: request.outTradeNo, operation: .capture)
        guard answer.accepted else { return answer.outcome() }
        return .pending(Payment(outTradeNo: request.outTradeNo, transactionID: answer.fields["queryId"], amount: request.amount), answer.status)
    }

    /// Pre-authorisation undo (32/00): releases the frozen amount.
    public func release(_ request: ReleaseRequest) async throws -> Outcome<Authorization> {
        let fields = [
            "txnType": "32", "txnSubType": "00", "bizType": "000201", "channelType": "07", "origQryId": request.authorizationID,
            "orderId": try orderID(request.outRequestNo), "txnAmt": request.amount.fenString, "backUrl": try backURL(nil),
        ]
        let answer = try await call("/gateway/api/backTransReq.do", fields, orderID: request.outRequestNo, operation: .release)
        guard answer.accepted else { return answer.outcome() }
        return .pending(Authorization(authorizationID: request.authorizationID, outOrderNo: "", frozen: .zero, released: request.amount), answer.status)
    }

    // MARK: Callbacks and statements

    public func verifyCallback(_ request: CallbackRequest) async throws -> VerifiedCallback {
        if UnionPayNotificationHandler.isFrontNotification(request, frontURL: configuration.frontURL) {
            throw ChannelError(.callbackRejected, channel: id, operation: .callback, reason: "a front notification is never proof of payment: query the order")
        }
        return try UnionPayNotificationHandler(verifier: configuration.verifier, merchantID: configuration.merchantID).handle(request, now: time.now())
    }

    public func callbackRejection(reason: String) -> HTTPResponse { UnionPayNotificationHandler.rejection }

    /// File transfer (76/01) for the settlement day `MMdd` of `request.date`; returns the zip.
    public func downloadStatement(_ request: StatementRequest) async throws -> StatementFile {
        let settleDate = String(request.date.filter(\.isNumber).suffix(4))
        let fields = ["txnType": "76", "txnSubType": "01", "bizType": "000000", "fileType": "00", "settleDate": settleDate]
        let answer = try await call("/", fields, orderID: nil, operation: .statement, base: configuration.fileGateway)
        guard answer.accepted else {
            // 98: no file for that settlement day (yet) — Varorbc/PaySharp `document/银联支付(Unionpay)/upacp_demo_b2c/pages/api_05_app/file_transfer.aspx`
            // links UnionPay's FAQ on respCode 98 and on when the file can be downloaded.
            let code: ChannelError.Code = answer.status.code == "98" ? .noStatement : .invalidResponse
            throw ChannelError(code, channel: id, operation: .statement, reason: "file transfer refused", status: answer.status)
        }
        return StatementFile(channel: id, date: request.date, format: "unionpay.zip", contents: try UnionPayFileContent.decode(answer.fields["fileContent"] ?? ""))
    }

    // MARK: Plumbing

    /// An auto-submitting HTML form posting `fields` to `action` (the browser takes the payer to UnionPay).
    static func autoSubmitForm(action: String, fields: [String: String]) -> String {
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
                .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        }
        let inputs = fields.sorted { $0.key < $1.key }.map { "<input type=\"hidden\" name=\"\(escape($0.key))\" value=\"\(escape($0.value))\"/>" }
        return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"/></head><body onload=\"document.forms[0].submit()\">"
            + "<form action=\"\(escape(action))\" method=\"post\">\(inputs.joined())</form></body></html>"
    }

    /// UnionPay order ids: 8–40 letters and digits, no `-` or `_`.
    private func orderID(_ value: String) throws -> String {
        guard (8...40).contains(value.count), value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            throw ChannelError(.invalidRequest, channel: id, reason: "UnionPay order ids are 8-40 letters and digits (no - or _): \(value)")
        }
        return value
    }

    private func backURL(_ override: String?) throws -> String {
        guard let url = override ?? configuration.backURL else {
            throw ChannelError(.invalidRequest, channel: id, reason: "UnionPay needs a back (notify) URL: the request's or the profile's backURL")
        }
        return url
    }

    private func fen(_ text: String, _ field: String) throws(ChannelError) -> Amount {
        do { return try Amount(fenText: text) } catch { throw ChannelError(.invalidResponse, channel: id, reason: "\(field): \(error)") }
    }

    /// The original consume's `queryId`: given, remembered from this process's own calls, or — after a
    /// restart emptied that memory — asked of UnionPay by order number and request time.
    private func originalQueryID(_ order: OrderReference, _ operation: ChannelOperation, known: String? = nil) async throws -> String {
        if let transactionID = order.transactionID ?? known { return transactionID }
        if let outTradeNo = order.outTradeNo, let remembered = sent.withLock({ $0[outTradeNo]?.queryID }) { return remembered }
        if order.outTradeNo != nil, order.requestTime != nil, case .success(let payment, _) = try await query(order), let queryID = payment.transactionID {
            return queryID
        }
        throw ChannelError(
            .invalidRequest, channel: id, operation: operation,
            reason: "\(operation) needs the original queryId (transactionID), or the order number with its request time to query it")
    }

    /// The original consume's amount and `queryId`, from a query: only a successful consume can be undone.
    private func originalPayment(_ order: OrderReference) async throws -> (amount: Amount, queryID: String?) {
        guard case .success(let payment, _) = try await query(order), let amount = payment.amount else {
            throw ChannelError(.invalidRequest, channel: id, operation: .reverse, reason: "only a successful consume can be undone")
        }
        return (amount, payment.transactionID)
    }

    private func queryAnswer(_ order: OrderReference, operation: ChannelOperation) async throws -> UnionPayAnswer {
        var fields = ["txnType": "00", "txnSubType": "00", "bizType": "000000"]
        if let outTradeNo = order.outTradeNo, let sentAt = order.requestTime ?? sent.withLock({ $0[outTradeNo]?.time }) {
            fields["orderId"] = outTradeNo
            fields["txnTime"] = BeijingTime.compact(sentAt)
        } else if let transactionID = order.transactionID {
            fields["queryId"] = transactionID
        } else {
            throw ChannelError(.invalidRequest, channel: id, operation: operation, reason: "a UnionPay query needs the order number with its request time, or the queryId")
        }
        return try await call("/gateway/api/queryTrans.do", fields, orderID: nil, operation: operation)
    }

    /// Adds the common fields and the signature, stamped `at` (now when nil); remembers when `orderID`
    /// was stamped.
    private func sign(_ fields: [String: String], orderID: String?, at stamp: Date? = nil) throws -> [String: String] {
        var all = fields
        let now = time.now()
        let stamped = stamp ?? now
        all["version"] = configuration.signer.version
        all["encoding"] = "utf-8"
        all["accessType"] = "0"
        all["merId"] = configuration.merchantID
        all["txnTime"] = all["txnTime"] ?? BeijingTime.compact(stamped)
        if let orderID {
            sent.withLock { sent in
                if sent.count > 10_000 { sent.removeAll() }
                sent[orderID] = (stamped, sent[orderID]?.queryID)
            }
        }
        return try configuration.signer.sign(all, now: now).fields
    }

    private func call(
        _ path: String, _ fields: [String: String], orderID: String?, operation: ChannelOperation, base: String? = nil, at stamp: Date? = nil
    ) async throws -> UnionPayAnswer {
        let signed = try sign(fields, orderID: orderID, at: stamp)
        let request = HTTPRequest(
            method: "POST", url: (base ?? configuration.gateway) + path, headers: ["Content-Type": "application/x-www-form-urlencoded;charset=utf-8"],
            body: UnionPayMessage.formBody(signed))
        let response: HTTPResponse
        do {
            response = try await transport.send(request)
        } catch let error as TransportError {
            if error.isRetrySafe { throw ChannelError(.transport, channel: id, operation: operation, reason: error.reason, isRetrySafe: true) }
            return UnionPayAnswer(fields: [:], status: ChannelStatus(message: "\(error.code): \(error.reason)"))
        }
        guard (200..<300).contains(response.status) else {
            return UnionPayAnswer(fields: [:], status: ChannelStatus(httpStatus: response.status))
        }
        let answer = try UnionPayMessage.parseResponse(response.body)
        do {
            try configuration.verifier.verify(answer, now: time.now())
        } catch {
            throw ChannelError(error.code, channel: id, operation: operation, reason: "answer to \(operation) not trusted: \(error.reason)")
        }
        if let orderID, let queryID = answer["queryId"] {
            sent.withLock { $0[orderID] = ($0[orderID]?.time ?? time.now(), queryID) }
        }
        return UnionPayAnswer(fields: answer, status: ChannelStatus(code: answer["respCode"], message: answer["respMsg"], httpStatus: response.status))
    }
}
