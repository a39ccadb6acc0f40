import Foundation
import HISPayCore
import HISPayStore

/// One recorded event as the gateway hands it to the HIS (`GET /events`, forwarding) and
/// `hispay events` prints it. Amounts are integer fen; times ISO 8601 (+08:00).
public struct GatewayEvent: Encodable, Sendable {
    public let cursor: Int64
    public let merchant: String
    public let channel: String
    public let kind: String
    public let outTradeNo: String
    public let transactionId: String?
    public let outRefundNo: String?
    public let amount: Int64?
    public let merchantId: String?
    public let occurredAt: String?
    public let receivedAt: String
    public let fields: [String: String]
    public let quarantineReason: String?

    public init(_ stored: StoredEvent) {
        let event = stored.event
        cursor = stored.cursor
        merchant = stored.merchant
        channel = event.channel.rawValue
        kind = event.kind.name
        outTradeNo = event.outTradeNo
        transactionId = event.transactionID
        outRefundNo = event.outRefundNo
        amount = event.amount?.fen
        merchantId = event.merchantID
        occurredAt = event.occurredAt.map(BeijingTime.iso8601)
        receivedAt = BeijingTime.iso8601(stored.receivedAt)
        fields = event.fields
        quarantineReason = stored.quarantineReason
    }

    /// Compact JSON, sorted keys, slashes unescaped.
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
