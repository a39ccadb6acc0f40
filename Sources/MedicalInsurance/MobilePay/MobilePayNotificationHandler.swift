import Foundation
import HISPayCore
import Logging

/// The settlement notification the mobile-payment centre sends to the hospital: an envelope verified
/// and decrypted like every answer, then normalized (`payOrdId`, `medOrgOrd`, `ordStas`, amounts).
public struct MobilePayNotificationHandler: Sendable {
    public let credentials: MobilePayCredentials
    private let logger: Logger

    public init(credentials: MobilePayCredentials, logger: Logger = .silent) {
        self.credentials = credentials
        self.logger = logger
    }

    /// `{"code":0,"message":"success","success":true}`.
    public static let acknowledgement = HTTPResponse(
        status: 200, headers: ["Content-Type": "application/json"], body: Data(#"{"code":0,"message":"success","success":true}"#.utf8))
    public static let rejection = HTTPResponse(
        status: 200, headers: ["Content-Type": "application/json"], body: Data(#"{"code":-1,"message":"fail","success":false}"#.utf8))

    public func handle(_ request: CallbackRequest) throws(ChannelError) -> VerifiedCallback {
        guard let envelope = ConfigValue.decode(request.body)?.objectValue else {
            throw ChannelError(.invalidResponse, channel: .insurance, operation: .callback, reason: "notification is not JSON")
        }
        guard envelope["appId"]?.text == credentials.appID else {
            throw ChannelError(.callbackRejected, channel: .insurance, operation: .callback, reason: "notification is for appId \(envelope["appId"]?.text ?? "?"), not this profile's")
        }
        let opened = try MobilePayEnvelope.open(envelope, credentials: credentials)
        opened.signerID.warnIfNot(credentials, logger: logger, what: "notification")
        let data = opened.data.objectValue
        guard let payOrderID = data["payOrdId"]?.text, !payOrderID.isEmpty else {
            throw ChannelError(.invalidResponse, channel: .insurance, operation: .callback, reason: "notification lacks payOrdId")
        }
        var amount: Amount?
        if let total = data["medfeeSumamt"] {
            do { amount = try NHSAAmount.parse(total) } catch {
                throw ChannelError(.invalidResponse, channel: .insurance, operation: .callback, reason: "medfeeSumamt: \(error)")
            }
            // A settlement notice reports what an order cost; a refund is its own order (6203), so a
            // negative total is a malformed notice, never a credit to record.
            if let amount, amount.fen < 0 {
                throw ChannelError(.invalidResponse, channel: .insurance, operation: .callback, reason: "medfeeSumamt is negative (\(amount))")
            }
        }
        var fields: [String: String] = [:]
        for (key, value) in data { if let text = value.text { fields[key] = text } }
        return VerifiedCallback(
            event: CallbackEvent(
                kind: .insuranceSettled, channel: .insurance, deduplicationKey: "insurance:\(payOrderID):\(data["ordStas"]?.text ?? "")",
                outTradeNo: data["medOrgOrd"]?.text.flatMap { $0.isEmpty ? nil : $0 } ?? payOrderID, transactionID: payOrderID, amount: amount,
                occurredAt: data["setlTime"]?.text.flatMap(BeijingTime.parse), fields: fields),
            acknowledgement: Self.acknowledgement)
    }
}
