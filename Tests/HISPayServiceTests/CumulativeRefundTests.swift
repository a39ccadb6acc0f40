import Alipay
import Foundation
import HISPayCore
import HISPayCrypto
import HISPayService
import HISPayStore
import HISPayTestSupport
import HISPayTesting
import MedicalInsurance
import Reconciliation
import Testing
import UnionPay
import WeChatPay

/// Alipay's refund notice gives the order's total refunded so far (`refund_fee`, "退款通知中，返回总退款
/// 金额"), not this refund's amount. The notification centre records each refund's own amount: the
/// journaled refund's, else the channel's answer for the refund number, else the total less what is
/// already recorded — and quarantines the notice when none of them tells.
@Suite struct CumulativeRefundTests {
    /// Alipay notices, signed with a key of the test's, and a refund query answered as told.
    struct NoticeChannel: PaymentChannel {
        let handler: AlipayNotificationHandler
        let refunds: [String: Amount]
        var id: ChannelID { .alipay }
        var capabilities: ChannelCapabilities { ChannelCapabilities(operations: [.callback, .refundQuery], scenes: []) }
        func pay(_ request: PayRequest) async throws -> Outcome<Payment> { throw ChannelError.unsupported(.pay, on: id) }
        func query(_ order: OrderReference) async throws -> Outcome<Payment> { throw ChannelError.unsupported(.query, on: id) }
        func queryRefund(_ refund: RefundReference) async throws -> Outcome<Refund> {
            guard let amount = refunds[refund.outRefundNo] else { throw ChannelError(.transport, channel: id, reason: "no answer", isRetrySafe: true) }
            return .success(Refund(outRefundNo: refund.outRefundNo, amount: amount), ChannelStatus(code: "10000"))
        }
        func verifyCallback(_ request: CallbackRequest) async throws -> VerifiedCallback { try handler.handle(request) }
    }

    let key: PrivateKey

    init() throws { key = try PrivateKey.generate(.rsa) }

    func notice(total: String, refundNo: String, id: String) throws -> CallbackRequest {
        var fields = [
            "app_id": "2021000000000001", "notify_type": "trade_status_sync", "notify_id": id, "trade_status": "TRADE_SUCCESS",
            "out_trade_no": "ALI-REFUNDS-1", "trade_no": "2026112222001400000000000001", "total_amount": "10.00", "refund_fee": total,
            "out_biz_no": refundNo, "gmt_refund": "2026-11-22 10:00:00", "charset": "utf-8", "version": "1.0", "sign_type": "RSA2",
        ]
        fields["sign"] = try AlipaySigner(privateKey: key).sign(fields).signature
        return CallbackRequest(path: "/notify/main/alipay", headers: ["Content-Type": "application/x-www-form-urlencoded"], body: Data(AlipayForm.encode(fields).utf8))
    }

    func centre(_ store: any PaymentStore, queries: [String: Amount] = [:]) throws -> NotificationCentre {
        let handler = AlipayNotificationHandler(verifier: AlipayVerifier(alipayPublicKey: try key.publicKey), appID: "2021000000000001")
        return NotificationCentre(store: store, routes: ["main": [.alipay: .init(verifier: NoticeChannel(handler: handler, refunds: queries))]])
    }

    @Test(arguments: [SQLDialect.sqlite, .postgres])
    func eachRefundIsRecordedWithItsOwnAmount(dialect: SQLDialect) async throws {
        let store = try await TestStores.open(dialect)
        // R1 was sent through HISPay (journaled ¥3.00); R2 was made in Alipay's merchant portal and its
        // query answers ¥2.00; R3's query does not answer: ¥10.00 − ¥5.00 recorded.
        try await store.save(JournalEntry(
            merchant: "main", channel: .alipay, orderNo: "ALI-REFUNDS-1-R1", operation: .refund, amount: Amount(fen: 300), updatedAt: Date(),
            parentOrderNo: "ALI-REFUNDS-1"))
        let centre = try centre(store, queries: ["ALI-REFUNDS-1-R2": Amount(fen: 200)])
        for (total, number, id) in [("3.00", "R1", "N1"), ("5.00", "R2", "N2"), ("5.00", "R2", "N2"), ("10.00", "R3", "N3")] {
            let receipt = await centre.receive(try notice(total: total, refundNo: "ALI-REFUNDS-1-" + number, id: id), merchant: "main", channel: .alipay)
            #expect(receipt.response.text == "success")
        }
        let events = try await store.events(after: 0, limit: 10)
        #expect(events.map(\.event.outRefundNo) == ["ALI-REFUNDS-1-R1", "ALI-REFUNDS-1-R2", "ALI-REFUNDS-1-R3"])
        #expect(events.map(\.event.amount) == [Amount(fen: 300), Amount(fen: 200), Amount(fen: 500)])
        #expect(try await store.recordedRefunds(merchant: "main", channel: .alipay, outTradeNo: "ALI-REFUNDS-1") == Amount(fen: 1000))
        try await store.close()
    }

    /// A total no larger than what is recorded, with no journal entry and no query answer: quarantined
    /// (acknowledged, for review), never recorded with a made-up amount.
    @Test func anUnderivableRefundIsQuarantined() async throws {
        let store = try await TestStores.open(.sqlite)
        let centre = try centre(store, queries: ["ALI-REFUNDS-1-R1": Amount(fen: 500)])
        _ = await centre.receive(try notice(total: "5.00", refundNo: "ALI-REFUNDS-1-R1", id: "N1"), merchant: "main", channel: .alipay)
        let receipt = await centre.receive(try notice(total: "5.00", refundNo: "ALI-REFUNDS-1-R9", id: "N9"), merchant: "main", channel: .alipay)
        #expect(receipt.response.text == "success")
        let quarantined = try await store.quarantined(after: 0, limit: 10)
        #expect(quarantined.map(\.event.outRefundNo) == ["ALI-REFUNDS-1-R9"])
        #expect(quarantined.first?.quarantineReason?.contains("cannot be told from the order's refunded total ¥5.00 (¥5.00 already recorded)") == true)
        try await store.close()
    }
}
