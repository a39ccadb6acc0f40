/// Where the HIS ledger comes from: rows streamed one at a time, so a HIS can feed them straight
/// from its own database cursor. ``LedgerCSV`` reads the documented CSV file.
public protocol LedgerSource {
    /// Calls `body` with every ledger row, in any order. ``Reconciler`` calls it on a thread of its
    /// own (it matches on the calling thread meanwhile), once, and waits for it to return.
    func forEach(_ body: (LedgerRecord) throws -> Void) throws
}

/// Ledger rows already in memory (tests, small days, a payment journal export).
public struct LedgerRows: LedgerSource {
    public var rows: [LedgerRecord]
    public init(_ rows: [LedgerRecord]) { self.rows = rows }
    public func forEach(_ body: (LedgerRecord) throws -> Void) throws { for row in rows { try body(row) } }
}
