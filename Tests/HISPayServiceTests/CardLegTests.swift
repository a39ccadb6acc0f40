import Foundation
import HISPayCore
import HISPayService
import HospitalCard
import Reconciliation
import Testing

/// Issue 25: the card's verdict of a night — the day balanced, and its top-ups and withdrawals found
/// on their channels' statements; one just after midnight is cross-day, not a fault.
@Suite struct CardLegTests {
    static let date = "2026-12-04"

    static func at(_ time: String) -> Date { BeijingTime.parse("\(date) \(time)") ?? .distantPast }

    static func topUp(_ order: String, _ fen: Int64, at time: String, sequence: Int64) -> CardEntry {
        CardEntry(
            key: "topup:wechatpay:\(order)", sequence: sequence, cardNo: "C1", kind: .topUp, amount: Amount(fen: fen), debitAccount: "topup:wechatpay",
            creditAccount: "card:C1", orderNo: order, refundNo: nil, channel: "wechatpay", bookedAt: at(time))
    }

    static func payment(_ order: String, _ fen: Int64) -> StatementRecord {
        StatementRecord(channel: .wechatPay, kind: .payment, outTradeNo: order, channelTradeNo: "4200\(order)", amount: Amount(fen: fen), fee: .zero, time: at("09:00:00"), status: "SUCCESS")
    }

    static let day = CardDay(
        date: date, opening: .zero, topUps: Amount(fen: 3_000), debits: .zero, refunds: .zero, withdrawals: .zero, withdrawalsConfirmed: .zero,
        closing: Amount(fen: 3_000), entryCount: 2)

    @Test func everyTopUpOnItsChannelsStatementBalances() {
        let entries = [Self.topUp("TU-1", 1_000, at: "09:00:10", sequence: 1), Self.topUp("TU-2", 2_000, at: "10:00:00", sequence: 2)]
        let verdict = CardLeg.totals(Self.day, entries: entries, statements: [.wechatPay: [Self.payment("TU-1", 1_000), Self.payment("TU-2", 2_000)]])
        #expect(verdict.balanced && verdict.detail == nil && verdict.total == Amount(fen: 3_000))
        #expect(verdict.parts == ["opening": .zero, "topUps": Amount(fen: 3_000), "debits": .zero, "refunds": .zero, "withdrawals": .zero, "closing": Amount(fen: 3_000)])
    }

    @Test func aMissingOrDifferentTopUpIsNamedAndJustAfterMidnightIsCrossDay() {
        let entries = [Self.topUp("TU-1", 1_000, at: "00:03:00", sequence: 1), Self.topUp("TU-2", 2_000, at: "10:00:00", sequence: 2)]
        // TU-1 was paid at 23:59 the day before (its callback came after midnight); TU-2's bill row says 19.99.
        let verdict = CardLeg.totals(Self.day, entries: entries, statements: [.wechatPay: [Self.payment("TU-2", 1_999)]])
        #expect(!verdict.balanced)
        #expect(verdict.detail?.contains("top-up TU-2 (¥20.00) is not a payment of that amount on wechatpay's statement") == true, "\(verdict.detail ?? "")")
        #expect(verdict.detail?.contains("cross-day, look on the previous day's statement: TU-1 (¥10.00, booked 00:03:00)") == true, "\(verdict.detail ?? "")")
        let onlyCrossDay = CardLeg.totals(Self.day, entries: [entries[0]], statements: [.wechatPay: []])
        #expect(onlyCrossDay.balanced)
    }

    @Test func anUnbalancedDayOrAnUnavailableStatementIsSaid() {
        let entries = [Self.topUp("TU-1", 1_000, at: "09:00:10", sequence: 1)]
        let short = CardDay(
            date: Self.date, opening: .zero, topUps: Amount(fen: 1_000), debits: .zero, refunds: .zero, withdrawals: .zero, withdrawalsConfirmed: .zero,
            closing: Amount(fen: 900), entryCount: 1)
        let verdict = CardLeg.totals(short, entries: entries, statements: [.wechatPay: [StatementRecord]?.none])
        #expect(!verdict.balanced && verdict.detail?.contains("is not the closing ¥9.00") == true, "\(verdict.detail ?? "")")
        #expect(verdict.detail?.contains("not checked against wechatpay (statement not available)") == true)
    }
}
