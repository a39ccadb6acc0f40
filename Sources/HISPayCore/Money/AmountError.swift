/// Why text could not become an ``Amount``. The offending text is quoted (amounts are not secret).
public struct AmountError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The failure kind.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// No text at all.
        public static let empty = Code("empty")
        /// Not a plain decimal number (letters, `+`, spaces, exponents, grouping, a bare `.`).
        public static let notANumber = Code("notANumber")
        /// A negative amount where the channel forbids one.
        public static let negative = Code("negative")
        /// More than two significant decimals: not a whole number of fen.
        public static let tooPrecise = Code("tooPrecise")
        /// Beyond the range of Int64 fen.
        public static let overflow = Code("overflow")
    }

    public let code: Code
    /// The text or expression that failed.
    public let input: String

    public init(_ code: Code, _ input: String) {
        self.code = code
        self.input = input
    }

    public var description: String {
        switch code {
        case .empty: "amount is empty"
        case .negative: "amount \"\(input)\" is negative, which this channel does not allow"
        case .tooPrecise: "amount \"\(input)\" has more than two decimals (not a whole number of fen)"
        case .overflow: "amount \"\(input)\" is out of range"
        default: "amount \"\(input)\" is not a number"
        }
    }

    public static func == (lhs: AmountError, rhs: AmountError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
