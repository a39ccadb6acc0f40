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

/// Checkout records survive in the store: what a restarted process reads is what was saved.
@Suite struct StoreCheckoutJournalTests {
    @Test(arguments: [SQLDialect.sqlite, .postgres])
    func aRecordReadBackAfterReopeningIsTheSavedOne(dialect: SQLDialect) async throws {
        let location = try await TestStores.location(dialect)
        var record = CheckoutRecord(billID: "RCPT1", personID: "P1", cashOrderNo: "CASH1")
        record.step = .settled
        record.settlementID = "S1"
        record.cashAmount = Amount(fen: 2340)
        record.split = SettlementResult(
            total: Amount(fen: 12_340), fundPay: Amount(fen: 7000), personalPart: Amount(fen: 5340), accountPay: Amount(fen: 3000), cashPay: Amount(fen: 2340))
        let store = try await SQLPaymentStore.open(location)
        try await StoreCheckoutJournal(store: store).save(record)
        try await store.close()

        let reopened = try await SQLPaymentStore.open(location)
        let journal = StoreCheckoutJournal(store: reopened)
        #expect(try await journal.record(for: "RCPT1") == record)
        #expect(try await journal.record(for: "RCPT2") == nil)
        try await reopened.saveDocument("checkout", id: "RCPT3", Data(#"{"billID":"RCPT3"}"#.utf8))
        let error = await #expect(throws: StoreError.self) { try await journal.record(for: "RCPT3") }
        #expect(error?.code == .corruptRow)
        try await reopened.close()
    }
}
