import Foundation
import HISPayCore
import HospitalCard
import Reconciliation

/// The hospital card's part of a night (`NightlyReconciliation`), for a merchant with a
/// `hospitalcard` block:
///
/// - the card's day statement (its ledger's entries) is reconciled like a channel's against the HIS
///   ledger — its debits and refunds against the card payments the HIS journaled;
/// - the cards' day must balance: `opening + topUps − debits + refunds − withdrawals = closing`, the
///   closing balance computed from the ledger on its own;
/// - every top-up credited that day must be a payment of its amount, and every withdrawal refund
///   confirmed a refund of its amount, on its channel's statement of the day.
///
/// The verdict is a `PlatformTotals` row (`channel` hospitalcard) of the report, its parts the
/// day's movements; anything missing from a channel's statement is named in its detail.
public enum CardLeg {
    /// The day's verdict, given each top-up channel's records of the day (nil: its statement was not
    /// available). A top-up or withdrawal booked within `cutOff` seconds after midnight and missing from
    /// the day's statement is noted as cross-day — its payment was most likely the day before — not
    /// counted against the day.
    public static func totals(_ day: CardDay, entries: [CardEntry], statements: [ChannelID: [StatementRecord]?], cutOff: TimeInterval = 600) -> PlatformTotals {
        var problems: [String] = []
        var crossDay: [String] = []
        let midnight = BeijingTime.parse(day.date + " 00:00:00") ?? .distantPast
        if !day.isBalanced {
            problems.append(
                "opening \(day.opening) + top-ups \(day.topUps) − debits \(day.debits) + refunds \(day.refunds) − withdrawals \(day.withdrawals) is not the closing \(day.closing)")
        }
        var unchecked: Set<String> = []
        for entry in entries where entry.kind == .topUp || entry.kind == .withdrawal {
            guard let channel = entry.channel, channel != "cash" else { continue }
            guard case let records?? = statements[ChannelID(channel)] else {
                unchecked.insert(channel)
                continue
            }
            let found =
                entry.kind == .topUp
                ? records.contains { $0.kind == .payment && $0.outTradeNo == entry.orderNo && $0.amount == entry.amount }
                : records.contains { $0.kind == .refund && $0.outRefundNo == entry.refundNo && $0.amount == entry.amount }
            if !found, entry.bookedAt.timeIntervalSince(midnight) < cutOff {
                crossDay.append("\(entry.kind == .topUp ? entry.orderNo : entry.refundNo ?? "") (\(entry.amount), booked \(BeijingTime.format(entry.bookedAt).suffix(8)))")
            } else if !found {
                problems.append(
                    entry.kind == .topUp
                        ? "top-up \(entry.orderNo) (\(entry.amount)) is not a payment of that amount on \(channel)'s statement"
                        : "withdrawal refund \(entry.refundNo ?? "") (\(entry.amount)) is not a refund of that amount on \(channel)'s statement")
            }
        }
        var detail = problems.joined(separator: "; ")
        if !crossDay.isEmpty {
            detail += (detail.isEmpty ? "" : "; ") + "cross-day, look on the previous day's statement: \(crossDay.joined(separator: ", "))"
        }
        if !unchecked.isEmpty { detail += (detail.isEmpty ? "" : "; ") + "not checked against \(unchecked.sorted().joined(separator: ", ")) (statement not available)" }
        return PlatformTotals(
            channel: .hospitalCard, group: "cards", count: day.entryCount, total: day.closing,
            parts: [
                "opening": day.opening, "topUps": day.topUps, "debits": day.debits, "refunds": day.refunds, "withdrawals": day.withdrawals, "closing": day.closing,
            ],
            balanced: problems.isEmpty, detail: detail.isEmpty ? nil : detail)
    }
}
