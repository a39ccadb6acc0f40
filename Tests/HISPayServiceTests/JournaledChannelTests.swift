import Foundation
import HISPayCore
import HISPayService
import HISPayStore
import HISPayTestSupport
import HISPayTesting
import MedicalInsurance
import Testing

/// What the journal holds around each outgoing operation, whatever the channel answers.
@Suite struct JournaledChannelTests {
    /// A channel that fails in the way it is told, and records what it was asked.
    final class ScriptedChannel: PaymentChannel, @unchecked Sendable {
        let id = ChannelID("scripted")
        let capabilities = ChannelCapabilities(operations: [.pay, .query, .close, .reverse, .refund, .freeze, .capture, .release], scenes: [.qrCode])
        var error: ChannelError?
        var seenState: OrderState?
        /// The journal state of each operation's entry at the moment it was sent.
        var seen: [String: OrderState] = [:]
        var refunds = 0
        var store: (any PaymentStore)?

        func look(_ orderNo: String) async throws {
            seen[orderNo] = try await store?.entry(merchant: "main", channel: id, orderNo: orderNo)?.state
            if let error { throw error }
        }

        func close(_ order: OrderReference) async throws -> Outcome<Reversal> {
            try await look(JournalEntry.number(of: .close, on: order.outTradeNo ?? ""))
            return .success(Reversal(order: order), ChannelStatus(code: "SUCCESS"))
        }

        func reverse(_ order: OrderReference) async throws -> Outcome<Reversal> {
            try await look(JournalEntry.number(of: .reverse, on: order.outTradeNo ?? ""))
            return .unknown(ChannelStatus(code: "SYSTEM_ERROR"))
        }

        func refund(_ request: RefundRequest) async throws -> Outcome<Refund> {
            try await look(request.outRefundNo)
            refunds += 1
            return .pending(Refund(outRefundNo: request.outRefundNo, amount: request.refundAmount), ChannelStatus(code: "PROCESSING"))
        }

        func freeze(_ request: FreezeRequest) async throws -> Outcome<Authorization> {
            try await look(request.outOrderNo)
            return .pending(Authorization(authorizationID: "AUTH1", outOrderNo: request.outOrderNo, frozen: request.amount), ChannelStatus(code: "10000"))
        }

        func release(_ request: ReleaseRequest) async throws -> Outcome<Authorization> {
            try await look(request.outRequestNo)
            return .success(Authorization(authorizationID: request.authorizationID, outOrderNo: "", frozen: .zero, released: request.amount), ChannelStatus(code: "10000"))
        }

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

    /// Issue 19: close and reverse (each its own entry, the order its parent), freeze and release are
    /// journaled before they are sent — so a crash between send and answer leaves an entry the
    /// resolver settles — and hold their outcome after. A successful close closes the order.
    @Test func closeReverseFreezeAndReleaseAreJournaledBeforeSending() async throws {
        let store = try await TestStores.open(.sqlite)
        let inner = ScriptedChannel()
        inner.store = store
        let channel = JournaledChannel(inner, store: store, merchant: "main", time: ManualTimeSource(now))
        func entry(_ number: String) async throws -> JournalEntry { try #require(try await store.entry(merchant: "main", channel: inner.id, orderNo: number)) }
        _ = try await channel.pay(request)
        #expect(try await channel.close(.outTradeNo("REG1")).kind == .success)
        var other = request
        other.outTradeNo = "REG2"
        _ = try await channel.pay(other)
        #expect(try await channel.reverse(.outTradeNo("REG2")).kind == .unknown)
        _ = try await channel.freeze(FreezeRequest(outOrderNo: "DEP1", outRequestNo: "DEP1-F", amount: Amount(fen: 500_000), title: "住院押金", authCode: "134567890123456789"))
        _ = try await channel.release(ReleaseRequest(authorizationID: "AUTH1", outRequestNo: "DEP1-R", amount: Amount(fen: 100_000), remark: "出院"))
        #expect(inner.seen == ["REG1#close": .sending, "REG2#reverse": .sending, "DEP1": .sending, "DEP1-R": .sending])
        let close = try await entry("REG1#close")
        #expect(close.operation == .close && close.parentOrderNo == "REG1" && close.state == .succeeded && close.amount == Amount(fen: 1230))
        #expect(try await entry("REG1").state == .closed)
        let reverse = try await entry("REG2#reverse")
        #expect(reverse.operation == .reverse && reverse.state == .unknown)  // the resolver sends it again
        #expect(try await entry("REG2").state == .pending)
        let freeze = try await entry("DEP1")
        #expect(freeze.operation == .freeze && freeze.state == .pending)
        let release = try await entry("DEP1-R")
        #expect(release.operation == .release && release.parentOrderNo == "AUTH1" && release.state == .succeeded)
        try await store.close()
    }

    /// Issue 19: a refund is capped at what the order has left after its earlier refunds that did or
    /// may take effect (from the journal), and refused before it is sent; a failed refund does not
    /// count, nor does the refund itself resent under its own number.
    @Test func aRefundAboveWhatTheOrderHasLeftIsRefusedBeforeSending() async throws {
        let store = try await TestStores.open(.sqlite)
        let inner = ScriptedChannel()
        let channel = JournaledChannel(inner, store: store, merchant: "main", time: ManualTimeSource(now))
        _ = try await channel.pay(request)  // REG1, 12.30
        func refund(_ number: String, _ fen: Int64) -> RefundRequest {
            RefundRequest(order: .outTradeNo("REG1"), outRefundNo: number, refundAmount: Amount(fen: fen), totalAmount: Amount(fen: 1230))
        }
        #expect(try await channel.refund(refund("RF1", 1000)).kind == .pending)
        do {
            _ = try await channel.refund(refund("RF2", 500))
            Issue.record("a refund above the remainder must be refused")
        } catch let error as ChannelError {
            #expect(error.code == .invalidRequest)
            #expect(error.reason == "refund RF2 of ¥5.00 exceeds what order REG1 has left to refund: ¥2.30 of ¥12.30 (¥10.00 refunded or in flight)")
        }
        #expect(inner.refunds == 1)  // never sent
        #expect(try await store.entry(merchant: "main", channel: inner.id, orderNo: "RF2") == nil)
        #expect(try await channel.refund(refund("RF1", 1000)).kind == .pending)  // the same refund resent
        inner.error = ChannelError(.invalidRequest, reason: "refused", isRetrySafe: true)
        await #expect(throws: ChannelError.self) { try await channel.refund(refund("RF3", 230)) }
        inner.error = nil
        #expect(try await channel.refund(refund("RF4", 230)).kind == .pending)  // RF3 failed: 2.30 still left
        #expect(inner.refunds == 3)
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
