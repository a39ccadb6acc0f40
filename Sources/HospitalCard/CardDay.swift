import Foundation
import HISPayCore

/// The cards' day, balanced: what they held together at the start, what came in and went out, and
/// what they held at the end — the end computed from the ledger on its own and checked against
/// `opening + topUps − debits + refunds − withdrawals`.
public struct CardDay: Sendable, Hashable {
    /// The Beijing day, `yyyy-MM-dd`.
    public let date: String
    public let opening: Amount
    /// Top-ups credited (channel-confirmed, and cash).
    public let topUps: Amount
    /// Fees debited.
    public let debits: Amount
    /// Fees refunded (or reversed) back to cards.
    public let refunds: Amount
    /// What left the cards by withdrawal: held for a channel refund or paid in cash, less what
    /// refused refunds gave back.
    public let withdrawals: Amount
    /// Of ``withdrawals``, what the channels confirmed refunded the same day (the rest waits or was cash).
    public let withdrawalsConfirmed: Amount
    /// From the ledger: what the cards held at the start of the next day.
    public let closing: Amount
    /// How many entries the day holds.
    public let entryCount: Int

    public init(
        date: String, opening: Amount, topUps: Amount, debits: Amount, refunds: Amount, withdrawals: Amount, withdrawalsConfirmed: Amount, closing: Amount,
        entryCount: Int
    ) {
        (self.date, self.opening, self.topUps, self.debits, self.refunds) = (date, opening, topUps, debits, refunds)
        (self.withdrawals, self.withdrawalsConfirmed, self.closing, self.entryCount) = (withdrawals, withdrawalsConfirmed, closing, entryCount)
    }

    /// Whether `opening + topUps − debits + refunds − withdrawals == closing`.
    public var isBalanced: Bool { opening.fen + topUps.fen - debits.fen + refunds.fen - withdrawals.fen == closing.fen }
}

extension HospitalCardChannel {
    /// The cards' day `date` (`yyyy-MM-dd`, Beijing) from the ledger.
    public func day(_ date: String) async throws -> CardDay {
        let entries = try await ledger.entries(onDay: date)
        func sum(_ kinds: CardEntry.Kind...) -> Int64 { entries.filter { kinds.contains($0.kind) }.reduce(0) { $0 + $1.amount.fen } }
        let next = BeijingTime.day(BeijingTime.parse("\(date) 00:00:00")?.addingTimeInterval(86_400 + 3_600) ?? .distantFuture)
        return CardDay(
            date: date, opening: try await ledger.cardsBalance(before: date), topUps: Amount(fen: sum(.topUp)), debits: Amount(fen: sum(.debit)),
            refunds: Amount(fen: sum(.refund)), withdrawals: Amount(fen: sum(.withdrawalHeld, .cashWithdrawal) - sum(.withdrawalReturned)),
            withdrawalsConfirmed: Amount(fen: sum(.withdrawal)), closing: try await ledger.cardsBalance(before: next), entryCount: entries.count)
    }
}
