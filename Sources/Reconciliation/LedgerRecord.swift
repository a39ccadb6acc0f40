import Foundation
import HISPayCore

/// One row of the HIS ledger: what the hospital booked for a payment or a refund.
public struct LedgerRecord: Hashable, Sendable, Codable {
    public var channel: ChannelID
    public var kind: StatementRecord.Kind
    public var outTradeNo: String
    /// The refund number (refunds only).
    public var outRefundNo: String?
    public var amount: Amount
    public var time: Date
    /// The HIS settlement a combined checkout's legs share (insurance and cash).
    public var settlementID: String?
    /// The HIS status: `success` (booked) or anything else (e.g. `pending`, `closed`, `failed`).
    public var status: String
    /// The resource-pool partner that sold it (the ledger's optional `partner` column).
    public var partner: String?

    public init(
        channel: ChannelID, kind: StatementRecord.Kind, outTradeNo: String, outRefundNo: String? = nil, amount: Amount, time: Date,
        settlementID: String? = nil, status: String = "success", partner: String? = nil
    ) {
        self.channel = channel
        self.kind = kind
        self.outTradeNo = outTradeNo
        self.outRefundNo = outRefundNo
        self.amount = amount
        self.time = time
        self.settlementID = settlementID
        self.status = status
        self.partner = partner
    }

    /// Whether the HIS counts the money as moved (`success`, `paid`, `refunded`, `成功`).
    public var isBooked: Bool {
        switch status {
        case "success", "paid", "refunded", "成功", "SUCCESS": true
        default: false
        }
    }
}
