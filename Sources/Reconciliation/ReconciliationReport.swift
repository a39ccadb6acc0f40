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
        /// HIS rows that never moved money (closed, reversed, failed) and that no statement shows.
        public var closed = 0
        /// HIS pre-authorisation freezes and releases that no statement shows (they move no money).
        public var authorization = 0

        public init() {}
    }

    /// Rows and their sum.
    public struct Bucket: Hashable, Sendable, Codable {
        public var count = 0
        public var amount = Amount.zero

        public init(count: Int = 0, amount: Amount = .zero) {
            self.count = count
            self.amount = amount
        }

        mutating func add(_ value: Amount) throws {
            count += 1
            amount = try amount.adding(value)
        }
    }

    /// Where every row of one side went: each row is in exactly one bucket, so the buckets add up to
    /// the side's total. `only` is channel-only (长款) on the statement side and HIS-only (短款) on the
    /// HIS side; `closed` holds HIS rows that moved no money; `authorization` HIS freezes and
    /// releases no statement lists; `unclassified` statement rows.
    public struct Buckets: Hashable, Sendable, Codable {
        public var matched = Bucket()
        public var only = Bucket()
        public var amountMismatch = Bucket()
        public var statusMismatch = Bucket()
        public var duplicate = Bucket()
        public var carriedOver = Bucket()
        public var closed = Bucket()
        public var authorization = Bucket()
        public var unclassified = Bucket()

        public init() {}

        /// The buckets by name, in the order a report lists them.
        public var named: [(name: String, bucket: Bucket)] {
            [("matched", matched), ("only", only), ("amountMismatch", amountMismatch), ("statusMismatch", statusMismatch),
             ("duplicate", duplicate), ("carriedOver", carriedOver), ("closed", closed), ("authorization", authorization), ("unclassified", unclassified)]
        }

        /// All buckets together.
        public func sum() throws -> Bucket {
            var total = Bucket()
            for (_, bucket) in named {
                total.count += bucket.count
                total.amount = try total.amount.adding(bucket.amount)
            }
            return total
        }
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
        /// Where the HIS rows went; they add up to `hisCount` and `hisAmount`.
        public var hisBuckets = Buckets()
        /// Where the statement rows went; they add up to `channelCount` and `channelAmount`.
        public var channelBuckets = Buckets()

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
    /// Rows in the carried-over and closed buckets: nothing to act on today, listed so every
    /// bucket can be checked row by row.
    public var otherRows: [Discrepancy]
    /// Rows read with a repair, sorted like the discrepancies (the same inputs give the same report).
    public var repairedRows: [RepairedRow]
    /// When, for whom and from which files the report was made (set by the caller that writes it).
    public var context: ReportContext?
    /// The resource-pool partners' files matched three ways (absent when none was given).
    public var partners: [PartnerReport]?
    /// The channels' own checks of the day's totals (the NHSA's 3201), absent when none was made.
    public var platformTotals: [PlatformTotals]?

    /// Whether a person has something to look at: a discrepancy, or a total the channel disputes.
    public var needsAttention: Bool { !discrepancies.isEmpty || platformTotals?.contains { !$0.balanced } == true }

    /// Checks that on both sides of every channel and kind the buckets add up to the total — every
    /// row in exactly one bucket. A report that fails this is not written.
    public func checkTotals() throws(ReconciliationError) {
        for total in totals {
            for (side, buckets, count, amount) in [("HIS", total.hisBuckets, total.hisCount, total.hisAmount), ("statement", total.channelBuckets, total.channelCount, total.channelAmount)] {
                let sum: Bucket
                do { sum = try buckets.sum() } catch { throw ReconciliationError(.totalsDoNotAddUp, "\(total.channel) \(total.kind): the \(side) buckets overflow") }
                guard sum.count == count, sum.amount == amount else {
                    throw ReconciliationError(
                        .totalsDoNotAddUp,
                        "\(total.channel) \(total.kind): the \(side) total is \(count) rows, \(amount.yuanString) but its buckets add up to \(sum.count) rows, \(sum.amount.yuanString)")
                }
            }
        }
    }
}
