/// A store that could not be opened, read or written, with a code callers can switch on.
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong. Extensible.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The store location is not `sqlite:PATH` or `postgres://…`.
        public static let invalidLocation = Code("invalidLocation")
        /// The database could not be reached or opened.
        public static let unavailable = Code("unavailable")
        /// The database schema is newer than this build understands.
        public static let schemaTooNew = Code("schemaTooNew")
        /// A statement failed.
        public static let queryFailed = Code("queryFailed")
        /// A stored row could not be read back (e.g. a document that is not valid JSON).
        public static let corruptRow = Code("corruptRow")
        /// The location holds no store, and opening was not asked to create one.
        public static let notFound = Code("notFound")
        /// A setting of the store is out of range (e.g. a retention of no months).
        public static let invalidSetting = Code("invalidSetting")
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "StoreError.\(code): \(reason)" }
}
