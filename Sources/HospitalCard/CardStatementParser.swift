import Foundation
import HISPayCore

/// The card's day statement, as `downloadStatement` writes it and reconciliation reads it: UTF-8 CSV,
/// one line per ledger entry, amounts in fen, then a totals line.
///
/// ```
/// seq,booked_at,card_no,kind,order_no,refund_no,channel,amount_fen
/// 41,2026-12-04 09:12:03,C0001,debit,FEE-001,,,2500
/// 42,2026-12-04 09:40:17,C0001,refund,FEE-001,FEE-001-R1,,500
/// #total,2,,,,,,3000
/// ```
///
/// A debit is a payment of the fee's order, a refund (or reversal) a refund of it — the rows the HIS
/// ledger holds for its card payments, and all that ``parse(_:_:)`` hands reconciliation. Top-ups
/// and withdrawals are the card's own movements (`topUp`, `withdrawalHeld`, `withdrawal`,
/// `withdrawalReturned`, `cashWithdrawal`): they are on the statement, and checked by its total
/// line, for the day's balance (``CardDay``); the money behind them is reconciled on the channel
/// that carried it (the nightly run's card leg finds each on that channel's statement).
public struct CardStatementParser: StatementParser {
    static let header = "seq,booked_at,card_no,kind,order_no,refund_no,channel,amount_fen"

    public init() {}

    /// The statement of `entries`.
    public static func file(_ entries: [CardEntry]) -> Data {
        var lines = [header]
        for entry in entries {
            lines.append(
                [
                    String(entry.sequence), BeijingTime.format(entry.bookedAt), entry.cardNo, entry.kind.name, entry.orderNo, entry.refundNo ?? "", entry.channel ?? "",
                    entry.amount.fenString,
                ].joined(separator: ","))
        }
        lines.append("#total,\(entries.count),,,,,,\(entries.reduce(Int64(0)) { $0 + $1.amount.fen })")
        return Data((lines.joined(separator: "\n") + "\n").utf8)
    }

    /// Reads the statement back as entries (their accounts are not written, so not read).
    public static func entries(_ input: StatementInput) throws -> [(kind: CardEntry.Kind, record: StatementRecord)] {
        var rows: [(CardEntry.Kind, StatementRecord)] = []
        var total: (count: Int, fen: Int64)?
        var sum: Int64 = 0
        for (index, line) in try input.lines().enumerated() {
            let text = String(decoding: line, as: UTF8.self)
            let fields = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let number = index + 1
            if index == 0 {
                guard text == header else { throw fail("line 1 is not the card statement's header (\(header))") }
                continue
            }
            guard total == nil else { throw fail("line \(number) comes after the #total line") }
            guard fields.count == 8 else { throw fail("line \(number) has \(fields.count) fields, not 8 (truncated or corrupt)") }
            if fields[0] == "#total" {
                guard let count = Int(fields[1]), let fen = Int64(fields[7]) else { throw fail("line \(number): the #total line's count or amount is not a number") }
                total = (count, fen)
                continue
            }
            guard let time = BeijingTime.parse(fields[1]) else { throw fail("line \(number): booked_at \"\(fields[1])\" is not a time") }
            let amount: Amount
            do { amount = try Amount(fenText: fields[7]) } catch { throw fail("line \(number): amount_fen \"\(fields[7])\" is not a number of fen") }
            let kind = CardEntry.Kind(fields[3])
            let statementKind: StatementRecord.Kind = kind == .debit ? .payment : kind == .refund ? .refund : .unclassified
            rows.append(
                (
                    kind,
                    StatementRecord(
                        channel: .hospitalCard, kind: statementKind, outTradeNo: fields[4], channelTradeNo: "CARD\(fields[0])",
                        outRefundNo: fields[5].isEmpty ? nil : fields[5], channelRefundNo: kind == .refund ? "CARD\(fields[0])" : nil, amount: amount, fee: .zero,
                        time: time, status: kind.name)
                ))
            sum += amount.fen
        }
        guard let total else { throw fail("no #total line: the statement is truncated") }
        guard total.count == rows.count, total.fen == sum else {
            throw fail("the #total line says \(total.count) entries, \(Amount(fen: total.fen)); the lines add up to \(rows.count), \(Amount(fen: sum))")
        }
        return rows
    }

    public func parse(_ input: StatementInput, _ handle: (StatementRecord) throws -> Void) throws -> StatementTotals {
        var totals = StatementTotals(count: 0, paymentAmount: .zero, refundAmount: .zero, fee: .zero)
        for (_, record) in try Self.entries(input) where record.kind == .payment || record.kind == .refund {
            try handle(record)
            totals.count += 1
            if record.kind == .payment {
                totals.paymentAmount = try totals.paymentAmount.adding(record.amount)
            } else {
                totals.refundAmount = try totals.refundAmount.adding(record.amount)
            }
        }
        return totals
    }

    static func fail(_ what: String) -> ChannelError {
        ChannelError(.invalidResponse, channel: .hospitalCard, operation: .statement, reason: "card statement: \(what)")
    }
}
