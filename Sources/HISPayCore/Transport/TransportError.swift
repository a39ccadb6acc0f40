/// Why no HTTP response was received.
///
/// ``isRetrySafe`` is true only when the request provably never reached the server (refused,
/// DNS, proxy or TLS handshake failure); after a timeout the request may have been processed, so
/// the caller must query instead of resending.
public struct TransportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The failure kind. Extensible.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The connection was refused or could not be made.
        public static let connectFailed = Code("connectFailed")
        /// The host name did not resolve.
        public static let dnsFailure = Code("dnsFailure")
        /// The proxy refused or failed.
        public static let proxyFailure = Code("proxyFailure")
        /// TLS failed: certificate not trusted, handshake refused, client certificate rejected.
        public static let tlsFailure = Code("tlsFailure")
        /// The connect or total timeout passed.
        public static let timeout = Code("timeout")
        /// The connection broke after the request was (maybe) sent.
        public static let connectionLost = Code("connectionLost")
        /// The request itself is invalid (bad URL, unreadable client certificate).
        public static let invalidRequest = Code("invalidRequest")
        /// The task was cancelled.
        public static let cancelled = Code("cancelled")
        /// Anything else.
        public static let other = Code("other")
    }

    public let code: Code
    public let reason: String
    public let isRetrySafe: Bool

    public init(_ code: Code, reason: String, isRetrySafe: Bool) {
        self.code = code
        self.reason = reason
        self.isRetrySafe = isRetrySafe
    }

    public var description: String { "TransportError.\(code): \(reason)" }

    public static func == (lhs: TransportError, rhs: TransportError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
