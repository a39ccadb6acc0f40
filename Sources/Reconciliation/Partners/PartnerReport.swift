import Foundation
import HISPayCore

/// One partner's orders of the day matched three ways — partner ↔ HIS ↔ channel — with its
/// commission and what the hospital settles with it. Every partner row is in exactly one bucket:
/// the partner's total = matched + partnerOnly + amountMismatch + notOnChannel + duplicate + noMoney.
public struct PartnerReport: Sendable, Hashable, Codable {
    /// One partner row that does not match, or a HIS row the partner's file lacks.
    public struct Item: Sendable, Hashable, Codable {
        /// `partnerOnly`, `amountMismatch`, `notOnChannel`, `duplicate`, or `missingFromPartner`.
        public var kind: String
        public var orderNo: String
        public var state: PartnerOrder.State
        public var partnerAmount: Amount?
        public var hisAmount: Amount?
        public var channelAmount: Amount?
        /// The line in the partner's file.
        public var line: Int?
        public var note: String
        public var action: String
    }

    public var partner: String
    public var displayName: String
    public var file: String
    public var rows: Int
    public var sha256: String
    /// Paid orders (count and amount), refunded orders, and the commission the file states.
    public var paid = ReconciliationReport.Bucket()
    public var refunded = ReconciliationReport.Bucket()
    public var commission = Amount.zero
    /// paid − refunded − commission: what the partner is owed (collected by the hospital) or owes.
    public var settlement = Amount.zero
    /// Where the partner's rows went (by amount, refunds as positive amounts).
    public var buckets: [String: ReconciliationReport.Bucket] = [:]
    /// HIS rows attributed to the partner (`partner` column) that its file lacks.
    public var missingFromPartner = ReconciliationReport.Bucket()
    public var items: [Item] = []

    /// The partner's rows: count and amount.
    public var total: ReconciliationReport.Bucket {
        get throws {
            var total = ReconciliationReport.Bucket()
            try total.add(bucket: paid)
            try total.add(bucket: refunded)
            try total.add(bucket: buckets["noMoney"] ?? .init())  // rows whose status moved no money
            return total
        }
    }

    /// Checks the identity: the partner's rows = the sum of its buckets.
    public func checkTotals() throws {
        let total = try self.total
        var sum = ReconciliationReport.Bucket()
        for bucket in buckets.values { try sum.add(bucket: bucket) }
        guard sum == total else {
            throw ReconciliationError(
                .totalsDoNotAddUp, "partner \(partner): \(total.count) rows, \(total.amount.yuanString) but its buckets add up to \(sum.count) rows, \(sum.amount.yuanString)")
        }
    }
}

extension ReconciliationReport.Bucket {
    mutating func add(bucket: ReconciliationReport.Bucket) throws {
        count += bucket.count
        amount = try amount.adding(bucket.amount)
    }
}
