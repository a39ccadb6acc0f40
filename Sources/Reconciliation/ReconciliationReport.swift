import Foundation
import HISPayCore

/// The result of one day's reconciliation (`report.json`): counts per result, totals per channel
/// and kind from both sides, and every discrepancy with its suggested action. Amounts are fen.
public struct ReconciliationReport: Hashable, Sendable, Codable {
    public struct Summary: Hashable, Sendable, Codable {
        public var matched = 0
        public var channelOnly = 0
        public var hisOnly = 0
        public var amountMismatch = 0
        public var statusMismatch = 0
        public var duplicate = 0
        public var carriedOver = 0
        /// Statement rows of a business type neither payment nor refund.
        public var unclassified = 0

        public init() {}
    }

    /// Both sides' totals for one channel and kind, and the channel's fees.
    public struct Totals: Hashable, Sendable, Codable {
        public var channel: ChannelID
        public var kind: StatementRecord.Kind
        public var hisCount = 0
        public var hisAmount = Amount.zero
        public var channelCount = 0
        public var channelAmount = Amount.zero
        public var fee = Amount.zero
        /// The amount of this channel's rows that matched (both sides agree).
        public var matchedAmount = Amount.zero

        public init(channel: ChannelID, kind: StatementRecord.Kind) {
            self.channel = channel
            self.kind = kind
        }
    }

    /// A statement row the channel wrote irregularly and the parser read with a repair: listed so a
    /// person can check it against the channel's own view (it is reconciled as read).
    public struct RepairedRow: Hashable, Sendable, Codable {
        public var channel: ChannelID
        public var kind: StatementRecord.Kind
        public var outTradeNo: String
        public var outRefundNo: String?
        public var amount: Amount
        /// What was repaired.
        public var repair: String
    }

    public var date: String
    public var summary: Summary
    public var totals: [Totals]
    public var discrepancies: [Discrepancy]
    /// Rows read with a repair, sorted like the discrepancies (the same inputs give the same report).
    public var repairedRows: [RepairedRow]
}
