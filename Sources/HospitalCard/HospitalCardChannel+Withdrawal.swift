import Foundation
import HISPayCore

extension HospitalCardChannel {
    /// Pays a card's balance back (at discharge, or when the patient asks): along the top-ups' own
    /// channels as refunds of their payments, newest top-up first, each refund no larger than what
    /// is left of its top-up; a cash top-up, one older than its channel's refund window, or one on a
    /// channel not in `channels` is paid out in cash and recorded as such.
    ///
    /// Each refund is first held off the card (so it cannot be spent meanwhile), then sent; the
    /// card is debited for good only when the channel confirms it, and a refused refund goes back
    /// on the card — which then keeps exactly the refused part. A refund still processing stays
    /// held until ``settleWithdrawals(cardNo:channels:)`` hears the channel's answer.
    /// `withdrawalNo` names the withdrawal once: the same number again is refused. `notifyURLs` says
    /// where each channel sends its refunds' callbacks (absent: the channel's configured URL).
    public func withdraw(
        cardNo: String, withdrawalNo: String, channels: [ChannelID: any PaymentChannel], notifyURLs: [ChannelID: String] = [:], now: Date = Date()
    ) async throws -> CardWithdrawal {
        let account = try await ledger.account(cardNo)
        guard account.state == .active else { throw CardError(.frozenCard, "card \(cardNo) is frozen") }
        let entries = try await ledger.entries(cardNo: cardNo)
        guard entries.allSatisfy({ !$0.key.hasPrefix("withdrawal:\(withdrawalNo):") }) else {
            throw CardError(.numberReused, "withdrawal \(withdrawalNo) was already made on card \(cardNo)")
        }
        var left = account.balance.fen
        var parts: [CardWithdrawal.Part] = []
        for topUp in try await ledger.topUps(cardNo: cardNo) where topUp.state == .credited && left > 0 {
            // What is left of this top-up: its amount less what withdrawals took from it for good or hold.
            let taken = entries.filter { $0.orderNo == topUp.orderNo && $0.channel == topUp.channel }.reduce(Int64(0)) { sum, entry in
                switch entry.kind {
                case .withdrawalHeld, .cashWithdrawal: sum + entry.amount.fen
                case .withdrawalReturned: sum - entry.amount.fen
                default: sum
                }
            }
            let part = min(left, topUp.amount.fen - taken)
            guard part > 0 else { continue }
            left -= part
            let amount = Amount(fen: part)
            let window = settings.refundWindowDays[topUp.channel]
            let channel = channels[ChannelID(topUp.channel)]
            let cashReason: String? =
                topUp.channel == "cash" ? "a cash top-up"
                : channel == nil ? "\(topUp.channel) is not configured here"
                : window.map({ now.timeIntervalSince(topUp.createdAt) > Double($0) * 86_400 }) ?? true ? "past \(topUp.channel)'s \(window.map(String.init) ?? "unknown") days for refunds"
                : nil
            if let cashReason {
                _ = try await ledger.post(movement(.cashWithdrawal, cardNo: cardNo, key: "withdrawal:\(withdrawalNo):cash:\(topUp.channel):\(topUp.orderNo)", amount: amount,
                    to: "cash", topUp: topUp, refundNo: nil))
                parts.append(.init(channel: topUp.channel, topUpOrderNo: topUp.orderNo, refundNo: nil, amount: amount, result: .cash, detail: cashReason))
                continue
            }
            guard let channel else { continue }
            let refundNo = "\(withdrawalNo)-\(parts.count + 1)"
            _ = try await ledger.post(movement(.withdrawalHeld, cardNo: cardNo, key: "withdrawal:\(withdrawalNo):\(topUp.channel):\(topUp.orderNo)", amount: amount,
                to: "withdrawal:\(topUp.channel)", topUp: topUp, refundNo: refundNo))
            let outcome: Outcome<Refund>
            do {
                outcome = try await channel.refund(
                    RefundRequest(
                        order: .outTradeNo(topUp.orderNo), outRefundNo: refundNo, refundAmount: amount, totalAmount: topUp.amount, reason: "一卡通退款",
                        notifyURL: notifyURLs[ChannelID(topUp.channel)]))
            } catch {
                outcome = .unknown(ChannelStatus(message: "\(error)"))
            }
            let result = try await conclude(refundNo: refundNo, cardNo: cardNo, channel: topUp.channel, topUpOrderNo: topUp.orderNo, amount: amount, outcome)
            parts.append(.init(channel: topUp.channel, topUpOrderNo: topUp.orderNo, refundNo: refundNo, amount: amount, result: result, detail: "\(outcome.status)"))
        }
        return CardWithdrawal(cardNo: cardNo, withdrawalNo: withdrawalNo, balance: account.balance, parts: parts, account: try await ledger.account(cardNo))
    }

    /// Asks the channels about a card's withdrawal refunds still held, and books their answers:
    /// refunded → off the card for good, refused (or unknown to the channel: never sent) → back on
    /// the card. Returns the card afterwards.
    public func settleWithdrawals(cardNo: String, channels: [ChannelID: any PaymentChannel]) async throws -> CardAccount {
        let entries = try await ledger.entries(cardNo: cardNo)
        let concluded = Set(entries.filter { $0.kind == .withdrawal || $0.kind == .withdrawalReturned }.compactMap(\.refundNo))
        for held in entries where held.kind == .withdrawalHeld {
            guard let refundNo = held.refundNo, !concluded.contains(refundNo), let topUpChannel = held.channel, let channel = channels[ChannelID(topUpChannel)] else { continue }
            let outcome = try await channel.queryRefund(RefundReference(outRefundNo: refundNo, order: .outTradeNo(held.orderNo)))
            _ = try await conclude(refundNo: refundNo, cardNo: cardNo, channel: topUpChannel, topUpOrderNo: held.orderNo, amount: held.amount, outcome)
        }
        return try await ledger.account(cardNo)
    }

    /// Books a held withdrawal refund's answer: confirmed → out for good; refused → back on the card;
    /// otherwise still held.
    private func conclude(
        refundNo: String, cardNo: String, channel: String, topUpOrderNo: String, amount: Amount, _ outcome: Outcome<Refund>
    ) async throws -> CardWithdrawal.Part.Result {
        let kind: CardEntry.Kind
        let credit: String
        switch outcome.kind {
        case .success: (kind, credit) = (.withdrawal, "topup:\(channel)")
        case .failure: (kind, credit) = (.withdrawalReturned, CardEntry.account(ofCard: cardNo))
        case .pending, .unknown: return .held
        }
        _ = try await ledger.post(
            CardLedger.Movement(
                key: "\(kind.name):\(channel):\(refundNo)", cardNo: cardNo, kind: kind, amount: amount, debitAccount: "withdrawal:\(channel)", creditAccount: credit,
                orderNo: topUpOrderNo, refundNo: refundNo, channel: channel, needsActiveCard: false))
        return kind == .withdrawal ? .refunded : .refused
    }

    private func movement(_ kind: CardEntry.Kind, cardNo: String, key: String, amount: Amount, to account: String, topUp: CardLedger.TopUp, refundNo: String?) -> CardLedger.Movement {
        CardLedger.Movement(
            key: key, cardNo: cardNo, kind: kind, amount: amount, debitAccount: CardEntry.account(ofCard: cardNo), creditAccount: account, orderNo: topUp.orderNo,
            refundNo: refundNo, channel: topUp.channel, needsActiveCard: true)
    }
}
