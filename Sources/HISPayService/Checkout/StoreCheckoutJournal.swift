import Foundation
import HISPayCore
import HISPayStore
import MedicalInsurance

/// The durable ``CheckoutJournal``: each checkout record is a JSON document (`checkout`, bill id) in
/// a `PaymentStore`, so a checkout interrupted by a crash resumes from SQLite or PostgreSQL. A record
/// whose settlement was booked or undone is also indexed by that day (`checkout.day`,
/// `<merchant>/<yyyy-MM-dd>/<bill id>`, Beijing), written before the record itself, so the night's
/// insurance reconciliation finds the day's settlements (``records(on:)``).
public struct StoreCheckoutJournal: CheckoutJournal {
    public let store: any PaymentStore
    /// The merchant profile (campus) whose checkouts these are: the day index is kept per merchant.
    public let merchant: String

    /// The document kind of the day index.
    public static let dayIndex = "checkout.day"

    public init(store: any PaymentStore, merchant: String = "default") {
        self.store = store
        self.merchant = merchant
    }

    public func record(for billID: String) async throws -> CheckoutRecord? {
        guard let body = try await store.document("checkout", id: billID) else { return nil }
        do {
            return try JSONDecoder().decode(CheckoutRecord.self, from: body)
        } catch {
            throw StoreError(.corruptRow, "checkout \(billID) is not a checkout record: \(error)")
        }
    }

    public func save(_ record: CheckoutRecord) async throws {
        for time in [record.settledAt, record.undoneAt].compactMap({ $0 }) {
            try await store.saveDocument(Self.dayIndex, id: "\(merchant)/\(BeijingTime.day(time))/\(record.billID)", Data("{}".utf8))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try await store.saveDocument("checkout", id: record.billID, try encoder.encode(record))
    }

    /// The records whose settlement was booked or undone on `date` (yyyy-MM-dd, Beijing), by bill id.
    public func records(on date: String) async throws -> [CheckoutRecord] {
        let prefix = "\(merchant)/\(date)/"
        var records: [CheckoutRecord] = []
        for (id, _) in try await store.documents(Self.dayIndex, idPrefix: prefix) {
            if let record = try await record(for: String(id.dropFirst(prefix.count))) { records.append(record) }
        }
        return records
    }
}
