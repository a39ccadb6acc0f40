import Foundation
import HISPayCore
import HISPayCrypto

/// Turns a raw notification (`notify_url` POST, form-encoded) into a `CallbackEvent`: decode
/// once, verify (without `sign`/`sign_type`, falling back to keeping `sign_type`), check `app_id`,
/// map `trade_status`:
/// `TRADE_SUCCESS`/`TRADE_FINISHED` → `paymentSucceeded` (or `refundSucceeded` when the
/// notification carries `refund_fee` — a partial refund), `TRADE_CLOSED` → `refundSucceeded` when it
/// carries `refund_fee` (a full refund), else `closed`; `WAIT_BUYER_PAY` → `paymentPending`.
/// A refund notification's `refund_fee` is the order's total refunded so far (Alipay's asynchronous
/// notification field list: "退款通知中，返回总退款金额"), not this refund's amount: it becomes
/// `CallbackEvent/refundedTotal` with `amount` nil, and `out_biz_no` (the refund request number)
/// the refund number; the notification centre derives the single refund.
/// Fund-authorisation (pre-authorisation) notices — `notify_type` `fund_auth_freeze` and
/// `fund_auth_unfreeze`, `operation_type` FREEZE / UNFREEZE / PAY with `status` SUCCESS — become
/// `preAuthorizationFrozen` / `preAuthorizationReleased` / `preAuthorizationCaptured` for the
/// authorisation's `out_order_no` (`auth_no` the channel's id, `amount` the operation's amount, the
/// operation's `out_request_no` among the fields); CLOSED closes it.
/// Any other verified notice (`servicemarket_order_notify`, an unknown `trade_status`) is an `other`
/// event carrying its fields; a notice for another `app_id` is delivered with
/// `VerifiedCallback/quarantine` set. Only an unverifiable or malformed notice is refused.
/// The acknowledgement is exactly `success`.
public struct AlipayNotificationHandler: Sendable {
    public let verifier: AlipayVerifier
    public let appID: String

    public init(verifier: AlipayVerifier, appID: String) {
        self.verifier = verifier
        self.appID = appID
    }

    /// `200` with the body `success` (7 characters): anything else makes Alipay retry.
    public static let acknowledgement = HTTPResponse(
        status: 200, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Data("success".utf8))

    /// `fail`, so Alipay retries.
    public static let rejection = HTTPResponse(
        status: 200, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Data("fail".utf8))

    public func handle(_ request: CallbackRequest) throws(ChannelError) -> VerifiedCallback {
        try handle(form: try AlipayForm.decode(request.body))
    }

    /// The same, for a notification whose form is already decoded (once: `+` is data after decoding).
    public func handle(form fields: [String: String]) throws(ChannelError) -> VerifiedCallback {
        try verifier.verify(notification: fields)
        var verified = try event(fields)
        if fields["app_id"] != appID {
            verified.quarantine = "notification is for app_id \(fields["app_id"] ?? "?"), not this profile's \(appID)"
        }
        return verified
    }

    private static let tradeStatuses: Set = ["TRADE_SUCCESS", "TRADE_FINISHED", "TRADE_CLOSED", "WAIT_BUYER_PAY"]

    /// The verified notice as an event: fund authorisation, trade, or `other`.
    private func event(_ fields: [String: String]) throws(ChannelError) -> VerifiedCallback {
        if fields["notify_type"]?.hasPrefix("fund_auth_") == true || (fields["trade_status"] == nil && fields["auth_no"] != nil) {
            return try fundAuthorization(fields)
        }
        guard let status = fields["trade_status"], Self.tradeStatuses.contains(status) else { return other(fields) }
        guard let outTradeNo = fields["out_trade_no"], !outTradeNo.isEmpty else {
            throw ChannelError(.invalidResponse, channel: .alipay, operation: .callback, reason: "trade notice (\(status)) lacks out_trade_no")
        }
        // A payment notice may carry refund_fee 0.00 (Alipay's own example): only money refunded makes a refund.
        let refundFee: Amount? = fields["refund_fee"].flatMap { try? Amount(yuan: $0) }
        let refunded = (refundFee?.fen ?? 0) > 0
        let kind: CallbackEvent.Kind
        switch status {
        case "TRADE_SUCCESS", "TRADE_FINISHED": kind = refunded ? .refundSucceeded : .paymentSucceeded
        case "TRADE_CLOSED": kind = refunded ? .refundSucceeded : .closed
        default: kind = .paymentPending
        }
        let amountField = kind == .refundSucceeded ? "refund_fee" : "total_amount"
        var amount: Amount? = nil
        if let text = fields[amountField] {
            do { amount = try Amount(yuan: text) } catch {
                throw ChannelError(.invalidResponse, channel: .alipay, operation: .callback, reason: "\(amountField): \(error)")
            }
        }
        let refundedTotal = kind == .refundSucceeded ? amount : nil
        if kind == .refundSucceeded { amount = nil }
        let timeField = kind == .refundSucceeded ? "gmt_refund" : (kind == .closed ? "gmt_close" : "gmt_payment")
        let key = fields["notify_id"].map { "alipay:\($0)" } ?? "alipay:\(outTradeNo):\(status):\(fields["refund_fee"] ?? "")"
        return VerifiedCallback(
            event: CallbackEvent(
                kind: kind, channel: .alipay, deduplicationKey: key, outTradeNo: outTradeNo, transactionID: fields["trade_no"],
                outRefundNo: kind == .refundSucceeded ? fields["out_biz_no"] : nil, amount: amount,
                merchantID: fields["seller_id"], occurredAt: fields[timeField].flatMap(BeijingTime.parse),
                fields: fields.filter { $0.key != "sign" }, refundedTotal: refundedTotal),
            acknowledgement: Self.acknowledgement)
    }

    /// A verified notice of a kind not modelled (`servicemarket_order_notify`, a notice with an unknown
    /// `trade_status`, …): acknowledged and delivered as `other`.
    private func other(_ fields: [String: String]) -> VerifiedCallback {
        let verified = fields.filter { $0.key != "sign" }
        return VerifiedCallback(
            event: CallbackEvent(
                kind: .other, channel: .alipay,
                deduplicationKey: "alipay:" + (fields["notify_id"] ?? "other:" + DigestAlgorithm.fingerprint(verified)),
                outTradeNo: fields["out_trade_no"] ?? "", transactionID: fields["trade_no"], merchantID: fields["seller_id"],
                occurredAt: fields["notify_time"].flatMap(BeijingTime.parse), fields: verified),
            acknowledgement: Self.acknowledgement)
    }

    /// A verified fund-authorisation notice as an event (see the type's documentation).
    private func fundAuthorization(_ fields: [String: String]) throws(ChannelError) -> VerifiedCallback {
        guard let outOrderNo = fields["out_order_no"], !outOrderNo.isEmpty, let authNo = fields["auth_no"], !authNo.isEmpty else {
            throw ChannelError(.invalidResponse, channel: .alipay, operation: .callback, reason: "fund-authorisation notice lacks out_order_no or auth_no")
        }
        let operation = fields["operation_type"] ?? ""
        let status = fields["status"] ?? ""
        let kind: CallbackEvent.Kind
        switch (operation, status) {
        case ("FREEZE", "SUCCESS"): kind = .preAuthorizationFrozen
        case ("UNFREEZE", "SUCCESS"): kind = .preAuthorizationReleased
        case ("PAY", "SUCCESS"): kind = .preAuthorizationCaptured
        case (_, "CLOSED"): kind = .closed
        default:
            throw ChannelError(
                .invalidResponse, channel: .alipay, operation: .callback, reason: "fund-authorisation notice with operation_type \(operation) and status \(status)")
        }
        var amount: Amount? = nil
        if let text = fields["amount"] {
            do { amount = try Amount(yuan: text) } catch {
                throw ChannelError(.invalidResponse, channel: .alipay, operation: .callback, reason: "amount: \(error)")
            }
        }
        let key = fields["notify_id"].map { "alipay:\($0)" } ?? "alipay:\(authNo):\(fields["operation_id"] ?? operation):\(status)"
        return VerifiedCallback(
            event: CallbackEvent(
                kind: kind, channel: .alipay, deduplicationKey: key, outTradeNo: outOrderNo, transactionID: authNo, amount: amount,
                merchantID: fields["seller_id"],
                occurredAt: (fields["gmt_trans"] ?? fields["gmt_create"]).flatMap(BeijingTime.parse), fields: fields.filter { $0.key != "sign" }),
            acknowledgement: Self.acknowledgement)
    }
}
