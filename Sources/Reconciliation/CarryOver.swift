import Foundation
import HISPayCore

/// Rows left unmatched within the cut-off window before midnight, which the other side may book on
/// the next day: written by one day's run (`carry-over.json`) and read by the next (`--carry-in`).
/// A carried row still unmatched the next day is reported, never carried again.
public struct CarryOver: Hashable, Sendable, Codable {
    /// The day whose run wrote it (`yyyy-MM-dd`).
    public var date: String
    /// HIS rows the channels have not shown yet.
    public var ledger: [LedgerRecord]
    /// Channel rows the HIS has not booked yet.
    public var statement: [StatementRecord]

    public init(date: String, ledger: [LedgerRecord] = [], statement: [StatementRecord] = []) {
        self.date = date
        self.ledger = ledger
        self.statement = statement
    }

    /// Reads a carry-over file.
    public static func read(_ data: Data, path: String) throws -> CarryOver {
        do {
            return try JSONDecoder.reconciliation.decode(CarryOver.self, from: data)
        } catch {
            throw ReconciliationError(.malformedCarryOver, "\(path) is not a carry-over file: \(error)")
        }
    }
}

extension JSONDecoder {
    /// Dates as seconds since 1970, as the reconciliation files write them.
    static var reconciliation: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }
}

extension JSONEncoder {
    /// Sorted keys and dates as seconds since 1970: the same inputs give the same bytes.
    public static var reconciliation: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .secondsSince1970
        return encoder
    }
}
