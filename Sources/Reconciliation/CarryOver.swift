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
    /// Dates as `yyyy-MM-dd HH:mm:ss` Beijing time (+08:00), as the reconciliation files write them;
    /// seconds since 1970 are still read (carry-over files written before this format).
    static var reconciliation: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            if let seconds = try? container.decode(Double.self) { return Date(timeIntervalSince1970: seconds) }
            let text = try container.decode(String.self)
            guard let date = BeijingTime.parse(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "\(text) is not yyyy-MM-dd HH:mm:ss")
            }
            return date
        }
        return decoder
    }
}

extension JSONEncoder {
    /// Sorted keys and dates as `yyyy-MM-dd HH:mm:ss` Beijing time (+08:00), the way finance staff
    /// read them: the same inputs give the same bytes.
    public static var reconciliation: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(BeijingTime.format(date))
        }
        return encoder
    }
}
