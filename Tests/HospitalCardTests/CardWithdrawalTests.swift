import Foundation
import HISPayCore
import HISPayStore
import HISPayTestSupport
import HospitalCard
import Testing

/// Issue 25: a withdrawal goes back along the top-ups' own channels, newest first, each refund no
/// larger than what is left of its top-up; the card is debited for good only for refunds that succeed.
@Suite struct CardWithdrawalTests {
    /// A top-up channel that confirms payments and answers refunds as scripted by refund number suffix.
    struct ScriptedChannel: PaymentChannel {
        let id: ChannelID
        /// Refunds of these top-up orders are refused (`failure`), or stay processing (`pending`).
        var refused: Set<String> = []
        var processing: Set<String> = []
        let refunds = Refunds()

        final class Refunds: @unchecked Sendable {
            private let lock = NSLock()
            private var made: [RefundRequest] = []
            func add(_ request: RefundRequest) { lock.withLock { made.append(request) } }
            var all: [RefundRequest] { lock.withLock { made } }
        }

        var capabilities: ChannelCapabilities { ChannelCapabilities(operations: [.pay, .query, .refund, .refundQuery], scenes: [.qrCode]) }
        func pay(_ request: PayRequest) async throws -> Outcome<Payment> { .pending(nil, ChannelStatus()) }
        func query(_ order: OrderReference) async throws -> Outcome<Payment> {
            .success(Payment(outTradeNo: order.outTradeNo ?? "", amount: nil), ChannelStatus(code: "SUCCESS"))
        }
        func refund(_ request: RefundRequest) async throws -> Outcome<Refund> {
            refunds.add(request)
            let order = request.order.outTradeNo ?? ""
            if refused.contains(order) { return .failure(ChannelStatus(code: "NOT_ENOUGH", message: "基本账户余额不足")) }
            if processing.contains(order) { return .pending(nil, ChannelStatus(code: "PROCESSING")) }
            return .success(Refund(outRefundNo: request.outRefundNo, amount: request.refundAmount), ChannelStatus(code: "SUCCESS"))
        }
        func queryRefund(_ refund: RefundReference) async throws -> Outcome<Refund> {
            .success(Refund(outRefundNo: refund.outRefundNo, amount: .zero), ChannelStatus(code: "SUCCESS"))
        }
    }

    /// Tops `cardNo` up on `channel` by `fen`, confirmed by the channel's (verified) callback.
    static func topUp(_ card: HospitalCardChannel, _ store: SQLPaymentStore, _ cardNo: String, _ channel: ChannelID, _ orderNo: String, _ fen: Int64) async throws {
        _ = try await card.startTopUp(cardNo: cardNo, channel: channel, orderNo: orderNo, amount: Amount(fen: fen))
        let event = CallbackEvent(kind: .paymentSucceeded, channel: channel, deduplicationKey: "PAID:\(orderNo)", outTradeNo: orderNo, amount: Amount(fen: fen))
        _ = try await store.record(event, merchant: "main", receivedAt: Date(), quarantineReason: nil)
        try await card.applyEvents(from: store)
    }

    @Test(arguments: [SQLDialect.sqlite, .postgres])
    func threeTopUpsOnTwoChannelsWithOneRefundRefusedLeaveExactlyThatPart(_ dialect: SQLDialect) async throws {
        let store = try await TestStores.open(dialect)
        let card = HospitalCardChannel(ledger: try await CardLedger(store: store, merchant: "main"))
        _ = try await card.open(cardNo: "C1001", patientID: "P1001", idNumber: nil)
        // Oldest first: WeChat Pay ¥300, Alipay ¥200, WeChat Pay ¥100; then ¥450 of fees.
        try await Self.topUp(card, store, "C1001", .wechatPay, "TU-1", 30_000)
        try await Task.sleep(for: .milliseconds(5))
        try await Self.topUp(card, store, "C1001", .alipay, "TU-2", 20_000)
        try await Task.sleep(for: .milliseconds(5))
        try await Self.topUp(card, store, "C1001", .wechatPay, "TU-3", 10_000)
        _ = try await card.debit(cardNo: "C1001", orderNo: "FEE-1", amount: Amount(fen: 45_000))
        #expect(try await card.balance(cardNo: "C1001").balance == Amount(fen: 15_000))
        // ¥150 goes back newest first: ¥100 on TU-3 (WeChat Pay), ¥50 on TU-2 (Alipay, which refuses).
        let wechat = ScriptedChannel(id: .wechatPay)
        let alipay = ScriptedChannel(id: .alipay, refused: ["TU-2"])
        let withdrawal = try await card.withdraw(cardNo: "C1001", withdrawalNo: "W1", channels: [.wechatPay: wechat, .alipay: alipay])
        #expect(withdrawal.parts.map(\.topUpOrderNo) == ["TU-3", "TU-2"])
        #expect(withdrawal.parts.map(\.amount) == [Amount(fen: 10_000), Amount(fen: 5_000)])
        #expect(withdrawal.parts.map(\.result) == [.refunded, .refused])
        #expect(wechat.refunds.all.map(\.refundAmount) == [Amount(fen: 10_000)] && wechat.refunds.all.first?.totalAmount == Amount(fen: 10_000))
        #expect(alipay.refunds.all.map(\.order.outTradeNo) == ["TU-2"])
        // The card keeps exactly the refused part, spendable again.
        let after = try await card.balance(cardNo: "C1001")
        #expect(after.balance == Amount(fen: 5_000) && after.held == .zero)
        // The same withdrawal number again is refused; a new one sends the rest back along TU-2.
        await #expect(throws: CardError.self) { try await card.withdraw(cardNo: "C1001", withdrawalNo: "W1", channels: [.wechatPay: wechat, .alipay: alipay]) }
        let second = try await card.withdraw(cardNo: "C1001", withdrawalNo: "W2", channels: [.wechatPay: wechat, .alipay: ScriptedChannel(id: .alipay)])
        #expect(second.parts.map(\.topUpOrderNo) == ["TU-2"] && second.total(.refunded) == Amount(fen: 5_000))
        #expect(try await card.balance(cardNo: "C1001").balance == .zero)
        let day = try await card.day(BeijingTime.day(Date()))
        #expect(day.isBalanced && day.closing == .zero && day.withdrawalsConfirmed == Amount(fen: 15_000), "\(day)")
    }

    @Test func aProcessingRefundIsHeldUntilTheChannelAnswersAndCashTakesWhatCannotGoBack() async throws {
        let store = try await TestStores.open(.sqlite)
        let card = HospitalCardChannel(
            ledger: try await CardLedger(store: store, merchant: "main"),
            settings: HospitalCardSettings(refundWindowDays: ["wechatpay": 365, "alipay": 0]))
        _ = try await card.open(cardNo: "C1002", patientID: "P1002", idNumber: nil)
        _ = try await card.topUpInCash(cardNo: "C1002", receiptNo: "KIOSK-9", amount: Amount(fen: 1_000))
        try await Self.topUp(card, store, "C1002", .alipay, "TU-A", 2_000)  // past Alipay's window (0 days here)
        try await Self.topUp(card, store, "C1002", .wechatPay, "TU-W", 3_000)
        let wechat = ScriptedChannel(id: .wechatPay, processing: ["TU-W"])
        let withdrawal = try await card.withdraw(
            cardNo: "C1002", withdrawalNo: "W9", channels: [.wechatPay: wechat, .alipay: ScriptedChannel(id: .alipay)], now: Date().addingTimeInterval(60))
        #expect(Set(withdrawal.parts.map(\.result)) == [.held, .cash] && withdrawal.total(.held) == Amount(fen: 3_000) && withdrawal.total(.cash) == Amount(fen: 3_000))
        let held = try await card.balance(cardNo: "C1002")
        #expect(held.balance == .zero && held.held == Amount(fen: 3_000))
        // Not spendable while held.
        await #expect(throws: CardError.self) { try await card.debit(cardNo: "C1002", orderNo: "FEE-H", amount: Amount(fen: 1)) }
        let settled = try await card.settleWithdrawals(cardNo: "C1002", channels: [.wechatPay: wechat])
        #expect(settled.balance == .zero && settled.held == .zero)
        let day = try await card.day(BeijingTime.day(Date()))
        #expect(day.isBalanced && day.withdrawals == Amount(fen: 6_000) && day.withdrawalsConfirmed == Amount(fen: 3_000), "\(day)")
    }

    /// A refund whose sending failed (the connection dropped: the channel may or may not have it) is
    /// held; when the channel later says it has no such refund, the hold goes back on the card.
    @Test func aRefundLostOnTheWayIsHeldThenReturnedWhenTheChannelHasNone() async throws {
        struct Dropped: PaymentChannel {
            let id = ChannelID.wechatPay
            var capabilities: ChannelCapabilities { ChannelCapabilities(operations: [.refund, .refundQuery], scenes: []) }
            func pay(_ request: PayRequest) async throws -> Outcome<Payment> { .unknown(ChannelStatus()) }
            func query(_ order: OrderReference) async throws -> Outcome<Payment> { .unknown(ChannelStatus()) }
            func refund(_ request: RefundRequest) async throws -> Outcome<Refund> {
                throw ChannelError(.transport, channel: id, operation: .refund, reason: "connection reset")
            }
            func queryRefund(_ refund: RefundReference) async throws -> Outcome<Refund> {
                .failure(ChannelStatus(code: "RESOURCE_NOT_EXISTS", message: "退款单不存在", httpStatus: 404))
            }
        }
        let store = try await TestStores.open(.sqlite)
        let card = HospitalCardChannel(ledger: try await CardLedger(store: store, merchant: "main"))
        _ = try await card.open(cardNo: "C1004", patientID: "P1004", idNumber: nil)
        try await Self.topUp(card, store, "C1004", .wechatPay, "TU-D", 4_000)
        let withdrawal = try await card.withdraw(cardNo: "C1004", withdrawalNo: "W-D", channels: [.wechatPay: Dropped()])
        #expect(withdrawal.parts.map(\.result) == [.held] && withdrawal.account.held == Amount(fen: 4_000) && withdrawal.account.balance == .zero)
        let settled = try await card.settleWithdrawals(cardNo: "C1004", channels: [.wechatPay: Dropped()])
        #expect(settled.balance == Amount(fen: 4_000) && settled.held == .zero)
        #expect(try await card.day(BeijingTime.day(Date())).isBalanced)
    }

    /// What `hispay serve` runs: callbacks applied as they are recorded; a top-up whose callback never
    /// came, and a withdrawal refund still held, asked about on their channels.
    @Test func followingCreditsFromCallbacksAndAsksAboutWhatDidNotCome() async throws {
        let store = try await TestStores.open(.sqlite)
        let card = HospitalCardChannel(ledger: try await CardLedger(store: store, merchant: "main"))
        _ = try await card.open(cardNo: "C1003", patientID: "P1003", idNumber: nil)
        _ = try await card.startTopUp(cardNo: "C1003", channel: .wechatPay, orderNo: "TU-CB", amount: Amount(fen: 1_000))
        _ = try await card.startTopUp(cardNo: "C1003", channel: .alipay, orderNo: "TU-LOST", amount: Amount(fen: 2_000))
        _ = try await store.record(
            CallbackEvent(kind: .paymentSucceeded, channel: .wechatPay, deduplicationKey: "PAID:TU-CB", outTradeNo: "TU-CB", amount: Amount(fen: 1_000)),
            merchant: "main", receivedAt: Date(), quarantineReason: nil)
        /// Alipay says TU-LOST is paid when asked (its callback never came).
        struct Paid: PaymentChannel {
            let id = ChannelID.alipay
            var capabilities: ChannelCapabilities { ChannelCapabilities(operations: [.query], scenes: []) }
            func pay(_ request: PayRequest) async throws -> Outcome<Payment> { .unknown(ChannelStatus()) }
            func query(_ order: OrderReference) async throws -> Outcome<Payment> {
                .success(Payment(outTradeNo: order.outTradeNo ?? "", amount: Amount(fen: 2_000)), ChannelStatus(code: "TRADE_SUCCESS"))
            }
        }
        let rounds = Rounds()
        let following = Task { await card.follow(store: store, channels: [.alipay: Paid()], every: .milliseconds(20), askAfter: 0) { rounds.add($0) } }
        for _ in 0..<100 where try await card.balance(cardNo: "C1003").balance != Amount(fen: 3_000) { try await Task.sleep(for: .milliseconds(20)) }
        following.cancel()
        #expect(try await card.balance(cardNo: "C1003").balance == Amount(fen: 3_000))
        #expect(try await card.ledger.topUps(cardNo: "C1003").allSatisfy { $0.state == .credited })
        #expect(rounds.errors.isEmpty, "\(rounds.errors)")
    }

    final class Rounds: @unchecked Sendable {
        private let lock = NSLock()
        private var failures: [String] = []
        func add(_ result: Result<[CardEntry], any Error>) { if case .failure(let error) = result { lock.withLock { failures.append("\(error)") } } }
        var errors: [String] { lock.withLock { failures } }
    }
}
