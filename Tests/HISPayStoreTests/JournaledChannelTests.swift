import Foundation
import HISPayCore
import HISPayStore
import HISPayTestSupport
import Testing

/// What the journal holds around each outgoing operation, whatever the channel answers.
@Suite struct JournaledChannelTests {
    /// A channel that fails in the way it is told, and records what it was asked.
    final class ScriptedChannel: PaymentChannel, @unchecked Sendable {
        let id = ChannelID("scripted")
        let capabilities = ChannelCapabilities(operations: [.pay, .query, .capture], scenes: [.qrCode])
        var error: ChannelError?
        var seenState: OrderState?
        var store: (any PaymentStore)?

        func pay(_ request: PayRequest) async throws -> Outcome<Payment> {
            // The entry must already be journaled when the request goes out.
            seenState = try await store?.entry(merchant: "main", channel: id, orderNo: request.outTradeNo)?.state
            if let error { throw error }
            return .pending(Payment(outTradeNo: request.outTradeNo), ChannelStatus(code: "NOTPAY"))
        }

        func query(_ order: OrderReference) async throws -> Outcome<Payment> { .unknown(ChannelStatus(code: "SYSTEM_ERROR")) }

        func capture(_ request: CaptureRequest) async throws -> Outcome<Payment> {
            .success(Payment(outTradeNo: request.outTradeNo, amount: request.amount), ChannelStatus(code: "10000"))
        }
    }

    let now = Date(timeIntervalSince1970: 1_795_312_800)
    let request = PayRequest(outTradeNo: "REG1", amount: Amount(fen: 1230), subject: "门诊缴费", scene: .qrCode)

    @Test func theEntryIsWrittenBeforeSendingAndHoldsTheOutcomeAfter() async throws {
        let store = try await TestStores.open(.sqlite)
        let inner = ScriptedChannel()
        inner.store = store
        let channel = JournaledChannel(inner, store: store, merchant: "main", time: ManualTimeSource(now))
        #expect(try await channel.pay(request).kind == .pending)
        #expect(inner.seenState == .sending)
        let entry = try #require(try await store.entry(merchant: "main", channel: inner.id, orderNo: "REG1"))
        #expect(entry.state == .pending && entry.amount == Amount(fen: 1230) && entry.scene == .qrCode)
        #expect(entry.expiresAt == now.addingTimeInterval(1800) && entry.nextCheckAt == now.addingTimeInterval(5))
        try await store.close()
    }

    @Test func aRequestThatMayHaveBeenSentIsUnknownAndOneThatWasNotIsFailed() async throws {
        let store = try await TestStores.open(.sqlite)
        let inner = ScriptedChannel()
        let channel = JournaledChannel(inner, store: store, merchant: "main", time: ManualTimeSource(now))
        inner.error = ChannelError(.transport, reason: "timed out after sending", isRetrySafe: false)
        await #expect(throws: ChannelError.self) { try await channel.pay(request) }
        #expect(try await store.entry(merchant: "main", channel: inner.id, orderNo: "REG1")?.state == .unknown)
        inner.error = ChannelError(.transport, reason: "connection refused", isRetrySafe: true)
        var other = request
        other.outTradeNo = "REG2"
        await #expect(throws: ChannelError.self) { try await channel.pay(other) }
        #expect(try await store.entry(merchant: "main", channel: inner.id, orderNo: "REG2")?.state == .failed)
        try await store.close()
    }

    @Test func aCaptureIsJournaledUnderItsOwnNumberWithTheAuthorisationAsParent() async throws {
        let store = try await TestStores.open(.sqlite)
        let channel = JournaledChannel(ScriptedChannel(), store: store, merchant: "main", time: ManualTimeSource(now))
        let capture = CaptureRequest(authorizationID: "AUTH1", outTradeNo: "DIS1", amount: Amount(fen: 246_850), subject: "出院结算")
        #expect(try await channel.capture(capture).kind == .success)
        let entry = try #require(try await store.entry(merchant: "main", channel: ChannelID("scripted"), orderNo: "DIS1"))
        #expect(entry.operation == .capture && entry.parentOrderNo == "AUTH1" && entry.state == .succeeded)
        try await store.close()
    }
}
