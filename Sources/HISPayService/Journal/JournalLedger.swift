import Foundation
import HISPayCore
import HISPayStore
import Reconciliation

/// The payment journal as the reconciliation's HIS side: a day's journaled payments, refunds,
/// captures and pre-authorisation freezes and releases as ledger rows — a refund or release under
/// its order (a release: the authorisation) with its own number, `success` for what took effect
/// (`succeeded`, a payment later `refunded`, a freeze or release `closed`), the journal state's name
/// otherwise.
public enum JournalLedger {
    /// The entries of `merchant` last updated on `date` (Beijing).
    public static func rows(_ store: any PaymentStore, merchant: String, date: String) async throws -> LedgerRows {
        guard let start = BeijingTime.parse(date + " 00:00:00") else {
            throw ReconciliationError(.malformedLedger, "the ledger date \(date) is not yyyy-MM-dd")
        }
        let entries = try await store.entries(updatedFrom: start, to: start.addingTimeInterval(86_400))
        // Closes and reverses are the order's own end, not rows of their own.
        return LedgerRows(entries.filter { $0.merchant == merchant }.compactMap(record))
    }

    static func record(_ entry: JournalEntry) -> LedgerRecord? {
        let kind: StatementRecord.Kind
        switch entry.operation {
        case .pay, .capture: kind = .payment
        case .refund: kind = .refund
        case .freeze: kind = .freeze
        case .release: kind = .release
        default: return nil
        }
        let isFollowUp = kind == .refund || kind == .release
        // A freeze is closed by its release, and a release notification closes the release's own
        // entry: for a pre-authorisation, closed means it took effect.
        let booked = entry.state == .succeeded || entry.state == (kind.isAuthorization ? .closed : .refunded)
        return LedgerRecord(
            channel: entry.channel, kind: kind, outTradeNo: isFollowUp ? entry.parentOrderNo ?? entry.orderNo : entry.orderNo,
            outRefundNo: isFollowUp ? entry.orderNo : nil, amount: entry.amount, time: entry.updatedAt, status: booked ? "success" : entry.state.name)
    }
}
