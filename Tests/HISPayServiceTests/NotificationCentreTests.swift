import Foundation
import HISPayCore
import HISPayService
import HISPayStore
import HISPayTestSupport
import HISPayTesting
import MedicalInsurance
import Testing
import WeChatPay

/// The notification centre with real WeChat Pay v3 callbacks (encrypted resource, signed headers),
/// on SQLite and on a real PostgreSQL server.
@Suite struct NotificationCentreTests {
    let keys: WeChatPayTestKeys

    init() throws { keys = try WeChatPayTestKeys() }

    func centre(_ store: any PaymentStore, merchantID: String? = nil) throws -> NotificationCentre {
        let (channel, _) = try WeChatPayScript().channel()
        return NotificationCentre(
            store: store, routes: ["main": [.wechatPay: .init(verifier: channel, merchantID: merchantID ?? keys.merchantID)]],
            time: ManualTimeSource(keys.now))
    }

    @Test(arguments: [SQLDialect.sqlite, .postgres])
    func theSameCallbackFiftyTimesAtOnceIsOneEventAndFiftyAcknowledgements(dialect: SQLDialect) async throws {
        let store = try await TestStores.open(dialect)
        let centre = try centre(store)
        let request = try keys.notification(resource: keys.transactionResource())
        let receipts = await withTaskGroup(of: NotificationCentre.Receipt.self) { group in
            for _ in 0..<50 { group.addTask { await centre.receive(request, merchant: "main", channel: .wechatPay) } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(receipts.allSatisfy { $0.response.status == 204 && $0.response.body.isEmpty && $0.refusal == nil })
        #expect(receipts.filter { $0.recording?.isNew == true }.count == 1)
        let events = try await store.events(after: 0, limit: 100)
        #expect(events.map(\.event.outTradeNo) == ["REG20261122001"])
        #expect(events.first?.event.amount == Amount(fen: 1230))
        try await store.close()
    }

    @Test func aTamperedCallbackIsRefusedAndNotRecorded() async throws {
        let store = try await TestStores.open(.sqlite)
        var request = try keys.notification(resource: keys.transactionResource())
        request.body.append(contentsOf: Array(" ".utf8))
        let receipt = try await centre(store).receive(request, merchant: "main", channel: .wechatPay)
        #expect(receipt.response.status >= 400)
        #expect(receipt.refusal?.contains("not accepted") == true)
        #expect(try await store.events(after: 0, limit: 10).isEmpty)
        try await store.close()
    }

    /// As the gateway routes them (no merchant id on the route): a verified callback for a merchant the
    /// profile does not serve is recorded quarantined and acknowledged, not refused and retried for a
    /// day; a verified event type HISPay does not model (WeChat Pay's 商家转账 notice,
    /// `MCHTRANSFER.BILL.FINISHED`, https://pay.weixin.qq.com/doc/v3/merchant/4012712115) is
    /// acknowledged and delivered as `other` with its decrypted resource, moving no order.
    @Test func anotherMerchantsCallbackIsQuarantinedAndAnUnmodelledOneDeliveredAsOther() async throws {
        let store = try await TestStores.open(.sqlite)
        let (channel, _) = try WeChatPayScript().channel()
        let centre = NotificationCentre(
            store: store, routes: ["main": [.wechatPay: .init(verifier: channel, merchantID: nil)]], time: ManualTimeSource(keys.now))
        let foreign = try keys.notification(resource: keys.transactionResource(mchid: "1900009999"))
        let receipt = await centre.receive(foreign, merchant: "main", channel: .wechatPay)
        #expect(receipt.response.status == 204 && receipt.refusal == nil)
        #expect(receipt.recording?.event.quarantineReason == "notification is for merchant 1900009999, not this profile's \(keys.merchantID)")
        #expect(try await store.quarantined(after: 0, limit: 10).map(\.event.outTradeNo) == ["REG20261122001"])

        let transfer = #"{"mch_id":"\#(keys.merchantID)","out_bill_no":"plfk2020042013","transfer_bill_no":"1330000071100999991182020050700019480001","state":"SUCCESS","transfer_amount":2000,"openid":"o-MYE42l80oelYMDE34nYD456Xoy","create_time":"2026-11-22T10:00:00+08:00","update_time":"2026-11-22T10:00:05+08:00"}"#
        let other = try keys.notification(event: "MCHTRANSFER.BILL.FINISHED", resource: transfer, id: "EV-TRANSFER-1")
        let otherReceipt = await centre.receive(other, merchant: "main", channel: .wechatPay)
        #expect(otherReceipt.response.status == 204 && otherReceipt.refusal == nil)
        let events = try await store.events(after: 0, limit: 10)
        #expect(events.map(\.event.kind) == [.other])
        let delivered = try #require(events.first?.event)
        #expect(delivered.outTradeNo.isEmpty && delivered.amount == nil)
        #expect(delivered.fields["event_type"] == "MCHTRANSFER.BILL.FINISHED")
        #expect(delivered.fields["resource"]?.contains(#""out_bill_no":"plfk2020042013""#) == true)
        #expect(await centre.receive(other, merchant: "main", channel: .wechatPay).recording?.isNew == false)  // a retry is a duplicate
        try await store.close()
    }

    @Test func anUnknownMerchantOrChannelIsNotFound() async throws {
        let store = try await TestStores.open(.sqlite)
        let request = try keys.notification(resource: keys.transactionResource())
        #expect(try await centre(store).receive(request, merchant: "north-campus", channel: .wechatPay).response.status == 404)
        #expect(try await centre(store).receive(request, merchant: "main", channel: .alipay).response.status == 404)
        try await store.close()
    }

    @Test(arguments: [SQLDialect.sqlite, .postgres])
    func anAmountThatIsNotTheJournaledOneIsQuarantinedAndReported(dialect: SQLDialect) async throws {
        let store = try await TestStores.open(dialect)
        try await store.save(JournalEntry(
            merchant: "main", channel: .wechatPay, orderNo: "REG20261122001", operation: .pay, amount: Amount(fen: 1200), updatedAt: keys.now))
        let receipt = try await centre(store).receive(try keys.notification(resource: keys.transactionResource()), merchant: "main", channel: .wechatPay)
        #expect(receipt.response.status == 204)  // acknowledged: a retry would not change it
        #expect(try await store.events(after: 0, limit: 10).isEmpty)
        let quarantined = try await store.quarantined(after: 0, limit: 10)
        #expect(quarantined.first?.quarantineReason == "amount ¥12.30 is not the journaled ¥12.00 for REG20261122001")
        #expect(try await store.entry(merchant: "main", channel: .wechatPay, orderNo: "REG20261122001")?.state == .sending)
        try await store.close()
    }

    @Test func anotherMerchantsIdIsQuarantined() async throws {
        let store = try await TestStores.open(.sqlite)
        let receipt = try await centre(store, merchantID: "1900000099").receive(
            try keys.notification(resource: keys.transactionResource()), merchant: "main", channel: .wechatPay)
        #expect(receipt.recording?.event.quarantineReason == "merchant id \(keys.merchantID) is not this profile's 1900000099")
        #expect(try await store.events(after: 0, limit: 10).isEmpty)
        try await store.close()
    }

    @Test func aCallbackThatCannotBeRecordedIsNotAcknowledged() async throws {
        let receipt = try await centre(UnavailableStore()).receive(
            try keys.notification(resource: keys.transactionResource()), merchant: "main", channel: .wechatPay)
        #expect(receipt.response.status >= 400)
        #expect(receipt.refusal?.contains("not recorded") == true)
    }
}

/// A store whose database is down.
private struct UnavailableStore: PaymentStore {
    var down: StoreError { StoreError(.unavailable, "database down") }
    func record(_ event: CallbackEvent, merchant: String, receivedAt: Date, quarantineReason: String?) async throws -> EventRecording { throw down }
    func recordedRefunds(merchant: String, channel: ChannelID, outTradeNo: String) async throws -> Amount { throw down }
    func journaledRefunds(merchant: String, channel: ChannelID, parentOrderNo: String, excluding outRefundNo: String) async throws -> Amount { throw down }
    func events(after cursor: Int64, limit: Int) async throws -> [StoredEvent] { throw down }
    func quarantined(after cursor: Int64, limit: Int) async throws -> [StoredEvent] { throw down }
    func save(_ entry: JournalEntry) async throws { throw down }
    func entry(merchant: String, channel: ChannelID, orderNo: String) async throws -> JournalEntry? { throw down }
    func entries(updatedFrom from: Date, to: Date) async throws -> [JournalEntry] { throw down }
    func dueEntries(at now: Date, limit: Int) async throws -> [JournalEntry] { throw down }
    func claimDueEntries(at now: Date, until: Date, limit: Int) async throws -> [JournalEntry] { throw down }
    func acquireLease(_ name: String, holder: String, now: Date, until: Date) async throws -> Bool { throw down }
    func releaseLease(_ name: String, holder: String) async throws { throw down }
    func document(_ kind: String, id: String) async throws -> Data? { throw down }
    func saveDocument(_ kind: String, id: String, _ body: Data) async throws { throw down }
    func documents(_ kind: String, idPrefix prefix: String) async throws -> [(id: String, body: Data)] { throw down }
    func close() async throws {}
}
