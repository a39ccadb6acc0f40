import Foundation
import HISPayCore
import HISPayStore
import MedicalInsurance

/// The durable ``CheckoutJournal``: each checkout record is a JSON document (`checkout`, bill id) in
/// a `PaymentStore`, so a checkout interrupted by a crash resumes from SQLite or PostgreSQL.
public struct StoreCheckoutJournal: CheckoutJournal {
    public let store: any PaymentStore

    public init(store: any PaymentStore) { self.store = store }

    public func record(for billID: String) async throws -> CheckoutRecord? {
        guard let body = try await store.document("checkout", id: billID) else { return nil }
        do {
            return try JSONDecoder().decode(CheckoutRecord.self, from: body)
        } catch {
            throw StoreError(.corruptRow, "checkout \(billID) is not a checkout record: \(error)")
        }
    }

    public func save(_ record: CheckoutRecord) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try await store.saveDocument("checkout", id: record.billID, try encoder.encode(record))
    }
}
