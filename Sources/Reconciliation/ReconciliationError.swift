/// An input the reconciliation could not read, naming the file and line.
public struct ReconciliationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong. Extensible.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A file could not be read.
        public static let unreadable = Code("unreadable")
        /// The ledger lacks a required column, or a row a required value.
        public static let malformedLedger = Code("malformedLedger")
        /// A carry-over file is not one this build wrote.
        public static let malformedCarryOver = Code("malformedCarryOver")
        /// A side's buckets do not add up to its total: a row was counted twice or not at all.
        public static let totalsDoNotAddUp = Code("totalsDoNotAddUp")
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "ReconciliationError.\(code): \(reason)" }
}
