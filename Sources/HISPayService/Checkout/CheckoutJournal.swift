import Foundation
import HISPayCore
import HISPayStore
import MedicalInsurance

/// Where the combined checkout keeps its records. Each `save` must be durable before it returns; the
/// notification centre's store will implement this for SQLite and PostgreSQL.
public protocol CheckoutJournal: Sendable {
    func record(for billID: String) async throws -> CheckoutRecord?
    func save(_ record: CheckoutRecord) async throws
}

extension CheckoutJournal {
    /// The record of `billID`'s checkout, to refund; throws when there is none.
    func recordToRefund(_ billID: String) async throws -> CheckoutRecord {
        guard let record = try await record(for: billID) else {
            throw ChannelError(.invalidRequest, channel: .insurance, reason: "bill \(billID) has no checkout to refund")
        }
        return record
    }

    /// Ends a checkout at `step` (``CheckoutRecord/Step/completed`` or
    /// ``CheckoutRecord/Step/rolledBack``) with `note`, saved, and returns the state that means.
    func finish(_ record: inout CheckoutRecord, _ step: CheckoutRecord.Step, note: String?) async throws -> CheckoutState {
        record.step = step
        record.note = note
        try await save(record)
        return step == .completed ? record.completedState : .rolledBack(note ?? "rolled back")
    }
}

/// A journal in memory, for tests and single-process use until a durable store is configured.
public actor InMemoryCheckoutJournal: CheckoutJournal {
    private var records: [String: CheckoutRecord] = [:]

    public init() {}

    public func record(for billID: String) -> CheckoutRecord? { records[billID] }

    public func save(_ record: CheckoutRecord) { records[record.billID] = record }
}
