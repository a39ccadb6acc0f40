import Foundation
import HISPayCore
import HISPayStore
import Reconciliation

/// The payment journal as the reconciliation's HIS side: a day's journaled payments, refunds and
/// captures as ledger rows — a refund under its order with its own number, `success` for what took
/// effect (`succeeded`, and a payment later `refunded`), the journal state's name otherwise.
public enum JournalLedger {
    /// The entries of `merchant` last updated on `date` (Beijing).
    public static func rows(_ store: any PaymentStore, merchant: String, date: String) async throws -> LedgerRows {
        guard let start = BeijingTime.parse(date + " 00:00:00") else {
            throw ReconciliationError(.malformedLedger, "the ledger date \(date) is not yyyy-MM-dd")
        }
        let entries = try await store.entries(updatedFrom: start, to: start.addingTimeInterval(86_400))
        // Closes, reverses, freezes and releases move no money of their own: not ledger rows.
        let money: Set<ChannelOperation> = [.pay, .capture, .refund]
        return LedgerRows(entries.filter { $0.merchant == merchant && money.contains($0.operation) }.map(record))
    }

    static func record(_ entry: JournalEntry) -> LedgerRecord {
        let isRefund = entry.operation == .refund
        let booked = entry.state == .succeeded || entry.state == .refunded
        return LedgerRecord(
            channel: entry.channel, kind: isRefund ? .refund : .payment, outTradeNo: isRefund ? entry.parentOrderNo ?? entry.orderNo : entry.orderNo,
            outRefundNo: isRefund ? entry.orderNo : nil, amount: entry.amount, time: entry.updatedAt, status: booked ? "success" : entry.state.name)
    }
}
