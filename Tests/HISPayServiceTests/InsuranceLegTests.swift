import Foundation
import HISPayCore
@testable import HISPayService
import HISPayStore
import HISPayTestSupport
import MedicalInsurance
import Reconciliation
import Testing

/// The HIS side of the insurance leg: the checkout records a day's index lists, their settlements as
/// ledger rows (the insurance part by `setl_id`), undos on their own day, and the 3202 list with an
/// undo once more negated — the national list's `refd_setl_flag` (binzhe12123/Medical `JGDZ3202.cs`).
@Suite struct InsuranceLegTests {
    static func at(_ text: String) -> Date { BeijingTime.parse(text)! }

    static func record(_ bill: String, _ settlementID: String, total: Int64, settled: String, undone: String? = nil) -> CheckoutRecord {
        var record = CheckoutRecord(billID: bill, personID: "P-" + bill, cashOrderNo: bill + "-CASH")
        record.visitID = "V-" + bill
        record.settlement = SettlementResult(
            settlementID: settlementID, total: Amount(fen: total), fundPay: Amount(fen: total * 6 / 10), personalPart: Amount(fen: total - total * 6 / 10),
            accountPay: Amount(fen: total * 2 / 10), cashPay: Amount(fen: total - total * 8 / 10), clearingAgency: "440100", clearingType: "11", insuranceType: "310")
        record.settledAt = at(settled)
        record.undoneAt = undone.map(at)
        record.step = undone == nil ? .completed : .refunded
        return record
    }

    @Test func aDaysSettlementsAndUndosAreLedgerRowsAndTheDetailList() async throws {
        let store = try await TestStores.open(.sqlite)
        let journal = StoreCheckoutJournal(store: store, merchant: "north")
        let records = [
            Self.record("A", "SETL-A", total: 10_000, settled: "2026-11-30 09:00:00"),
            Self.record("B", "SETL-B", total: 5_000, settled: "2026-11-30 10:00:00", undone: "2026-11-30 15:00:00"),
            Self.record("C", "SETL-C", total: 2_000, settled: "2026-11-29 23:00:00", undone: "2026-11-30 08:00:00"),
        ]
        for record in records { try await journal.save(record) }
        try await StoreCheckoutJournal(store: store, merchant: "south").save(Self.record("S", "SETL-S", total: 1, settled: "2026-11-30 09:00:00"))

        let day = try await journal.records(on: "2026-11-30")
        #expect(day.map(\.billID) == ["A", "B", "C"])
        #expect(try await journal.records(on: "2026-11-29").map(\.billID) == ["C"])
        let rows = try InsuranceLeg.rows(day, date: "2026-11-30")
        #expect(rows.ledger.map { "\($0.kind) \($0.outTradeNo) \($0.amount.fen)" } == ["payment SETL-A 8000", "payment SETL-B 4000", "refund SETL-B 4000", "refund SETL-C 1600"])
        #expect(rows.ledger.first { $0.outTradeNo == "SETL-C" }?.time == Self.at("2026-11-30 08:00:00"))
        #expect(rows.detail.map { "\($0.settlementID ?? "") \($0.total.fen)" } == ["SETL-A 10000", "SETL-B 5000", "SETL-B -5000", "SETL-C -2000"])
        #expect(rows.detail.allSatisfy { $0.personID?.hasPrefix("P-") == true && $0.visitID?.hasPrefix("V-") == true })
        #expect(rows.standing.map(\.settlementID) == ["SETL-A"])
        try await store.close()
    }
}
