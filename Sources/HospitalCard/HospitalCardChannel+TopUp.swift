import Foundation
import HISPayCore
import HISPayStore

extension HospitalCardChannel {
    /// Records that the payment `orderNo` on `channel` tops `cardNo` up by `amount`. The HIS then
    /// takes that payment as any other (QR, mini program, counter barcode…); the card is credited
    /// only when the channel confirms it — its verified callback (``applyEvents(from:)``) or its
    /// answer to a query (``settleTopUp(_:on:)``) — never on the HIS's word. A cash top-up at the
    /// counter or a kiosk is the hospital's own word: ``topUpInCash(cardNo:receiptNo:amount:)``.
    public func startTopUp(cardNo: String, channel: ChannelID, orderNo: String, amount: Amount) async throws -> CardLedger.TopUp {
        guard channel.rawValue != "cash", settings.topUpChannels.contains(channel.rawValue) else {
            throw CardError(.channelNotAllowed, "cards are topped up on \(settings.topUpChannels.joined(separator: ", ")), not \(channel.rawValue)")
        }
        return try await ledger.recordTopUp(cardNo: cardNo, channel: channel.rawValue, orderNo: orderNo, amount: amount)
    }

    /// A top-up paid in cash (the counter's or kiosk's receipt number is its key), credited at once.
    public func topUpInCash(cardNo: String, receiptNo: String, amount: Amount) async throws -> CardEntry {
        guard settings.topUpChannels.contains("cash") else { throw CardError(.channelNotAllowed, "cash top-ups are not taken (topUpChannels)") }
        _ = try await ledger.recordTopUp(cardNo: cardNo, channel: "cash", orderNo: receiptNo, amount: amount)
        return try await ledger.credit(channel: "cash", orderNo: receiptNo, confirmed: amount).entry
    }

    /// Applies the verified callbacks recorded in `store` since the last call: a payment confirmed
    /// for a top-up's order credits the card (once, whatever the number of deliveries — the store
    /// records a callback once, and the credit's key is the order), a closed order fails its
    /// top-up. A confirmation of another amount fails the top-up without credit. Returns the
    /// top-ups credited now.
    @discardableResult
    public func applyEvents(from store: any PaymentStore) async throws -> [CardEntry] {
        var cursor = try await ledger.eventCursor()
        var credited: [CardEntry] = []
        while case let events = try await store.events(after: cursor, limit: 500), let last = events.last {
            for stored in events where stored.merchant == ledger.merchant {
                let event = stored.event
                guard let topUp = try await ledger.topUp(channel: event.channel.rawValue, orderNo: event.outTradeNo), topUp.state == .pending else { continue }
                if event.kind == .paymentSucceeded, let amount = event.amount {
                    do {
                        let (entry, isNew) = try await ledger.credit(channel: topUp.channel, orderNo: topUp.orderNo, confirmed: amount)
                        if isNew { credited.append(entry) }
                    } catch let error as CardError where error.code == .topUpNotPaid {
                        continue  // recorded on the top-up, for a person to look at
                    }
                } else if event.kind == .closed {
                    try await ledger.fail(channel: topUp.channel, orderNo: topUp.orderNo, reason: "the payment was closed")
                }
            }
            cursor = last.cursor
            try await ledger.saveEventCursor(cursor)
        }
        return credited
    }

    /// Asks `channel` about a pending top-up's payment and acts on its verified answer: paid → the
    /// card is credited (once); failed → the top-up fails, nothing credited; still pending or
    /// unknown → nothing changes. Returns the top-up as it now stands.
    @discardableResult
    public func settleTopUp(_ orderNo: String, on channel: any PaymentChannel) async throws -> CardLedger.TopUp {
        guard let topUp = try await ledger.topUp(channel: channel.id.rawValue, orderNo: orderNo) else {
            throw CardError(.unknownOrder, "\(orderNo) on \(channel.id.rawValue) pays for no top-up")
        }
        guard topUp.state == .pending else { return topUp }
        let outcome = try await channel.query(.outTradeNo(orderNo))
        switch outcome {
        case .success(let payment, _):
            do {
                _ = try await ledger.credit(channel: topUp.channel, orderNo: orderNo, confirmed: payment.amount ?? .zero)
            } catch let error as CardError where error.code == .topUpNotPaid {
                // Another amount: the top-up is failed with the reason, for a person to look at.
            }
        case .failure(let status):
            try await ledger.fail(channel: topUp.channel, orderNo: orderNo, reason: "the channel answered \(status)")
        case .pending, .unknown:
            break
        }
        return try await ledger.topUp(channel: topUp.channel, orderNo: orderNo) ?? topUp
    }
}
