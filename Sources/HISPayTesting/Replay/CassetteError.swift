import HISPayCore
/// A replay or recording failure.
public struct CassetteError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The cassette file is missing or not a cassette.
        public static let unreadable = Code("unreadable")
        /// A request matched no unused recorded interaction.
        public static let unmatchedRequest = Code("unmatchedRequest")
        /// Recorded interactions were never requested.
        public static let unusedInteractions = Code("unusedInteractions")
        /// A configured secret survived redaction; the cassette was not written.
        public static let secretNotRedacted = Code("secretNotRedacted")
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "CassetteError.\(code): \(reason)" }

    public static func == (lhs: CassetteError, rhs: CassetteError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
