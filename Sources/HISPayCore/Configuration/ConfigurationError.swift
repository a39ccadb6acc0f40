/// A configuration problem, naming the file, key path or environment variable — never a value.
public struct ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The config file, or a key/certificate file it names, cannot be read.
        public static let fileUnreadable = Code("fileUnreadable")
        /// The file is not JSON.
        public static let malformedJSON = Code("malformedJSON")
        /// A required key is absent.
        public static let missingKey = Code("missingKey")
        /// A key has the wrong JSON type or an invalid value.
        public static let invalidValue = Code("invalidValue")
        /// A key the format does not define (often a typo, e.g. `wechatPay` for `wechatpay`).
        public static let unknownKey = Code("unknownKey")
        /// An `env:NAME` value names an unset environment variable.
        public static let missingEnvironmentVariable = Code("missingEnvironmentVariable")
        /// No merchant has the requested name, or there are no merchants.
        public static let unknownMerchant = Code("unknownMerchant")
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { reason }

    public static func == (lhs: ConfigurationError, rhs: ConfigurationError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
