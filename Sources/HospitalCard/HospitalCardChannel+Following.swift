import Foundation
import HISPayCore
import HISPayStore

extension HospitalCardChannel {
    /// Keeps the cards up with their top-ups' channels until cancelled — what `hispay serve` runs
    /// for a merchant with a `hospitalcard` block, so a patient's top-up lands when its callback does:
    /// every `interval` it applies the callbacks `store` recorded since the last time
    /// (``applyEvents(from:)``); a top-up still pending `askAfter` seconds after it was made (its
    /// callback lost, or never sent) is asked about on its channel (``settleTopUp(_:on:)``), and so is
    /// a withdrawal refund still held (``settleWithdrawals(cardNo:channels:)``) — each at most once
    /// per `askAfter`. `report` gets each round's new entries, or its error (the loop goes on); a
    /// round cut short by cancellation is not reported.
    public func follow(
        store: any PaymentStore, channels: [ChannelID: any PaymentChannel], every interval: Duration = .seconds(1), askAfter: TimeInterval = 60,
        report: @escaping @Sendable (Result<[CardEntry], any Error>) -> Void = { _ in }
    ) async {
        var asked: [String: Date] = [:]
        while !Task.isCancelled {
            do {
                var booked = try await applyEvents(from: store)
                let now = ledger.time.now()
                func due(_ key: String, since: Date) -> Bool {
                    guard now.timeIntervalSince(since) >= askAfter, now.timeIntervalSince(asked[key] ?? .distantPast) >= askAfter else { return false }
                    asked[key] = now
                    return true
                }
                for topUp in try await ledger.pendingTopUps() {
                    let key = CardEntry.topUpKey(channel: topUp.channel, orderNo: topUp.orderNo)
                    guard due(key, since: topUp.createdAt), let channel = channels[ChannelID(topUp.channel)] else { continue }
                    let settled = try await settleTopUp(topUp.orderNo, on: channel)
                    if settled.state == .credited, let entry = try await ledger.entry(key: key) { booked.append(entry) }
                }
                for (cardNo, heldSince) in try await ledger.heldWithdrawals() where due("held:\(cardNo)", since: heldSince) {
                    _ = try await settleWithdrawals(cardNo: cardNo, channels: channels)
                }
                report(.success(booked))
            } catch where !Task.isCancelled {
                report(.failure(error))
            } catch {
                return  // stopped in the middle of a round: not a failure
            }
            try? await Task.sleep(for: interval)
        }
    }
}
