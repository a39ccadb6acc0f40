/// An error from a channel call: the call could not be made, or its answer could not be trusted.
/// Business results (declined, user paying, unknown) are ``Outcome``s, not errors.
///
/// ``isRetrySafe`` says whether sending the same request again cannot double-charge: true when the
/// request provably never reached the channel, false when it may have.
public struct ChannelError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The failure kind. Extensible.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The channel does not offer this operation or scene.
        public static let unsupportedOperation = Code("unsupportedOperation")
        /// The request is invalid before sending (missing field, bad amount, bad date).
        public static let invalidRequest = Code("invalidRequest")
        /// The merchant profile is incomplete or wrong (missing key, unreadable certificate).
        public static let configuration = Code("configuration")
        /// The answer, callback or statement could not be parsed, or its content is inconsistent.
        public static let invalidResponse = Code("invalidResponse")
        /// The answer's or callback's signature does not verify.
        public static let signatureInvalid = Code("signatureInvalid")
        /// A certificate in the answer or callback is unusable (expired platform certificate, unreadable).
        public static let certificateInvalid = Code("certificateInvalid")
        /// The signing certificate carried by the message is outside its validity at the checked time.
        public static let certificateExpired = Code("certificateExpired")
        /// The signing certificate carried by the message does not chain to the configured roots.
        public static let untrustedCertificate = Code("untrustedCertificate")
        /// The signing certificate chains correctly but belongs to someone other than the channel
        /// (UnionPay's CN owner check).
        public static let certificateOwnerMismatch = Code("certificateOwnerMismatch")
        /// The answer or callback names a signing key (certificate serial, public-key id) that is not configured.
        public static let unknownSigningKey = Code("unknownSigningKey")
        /// A signed timestamp lies outside the allowed window (replay or clock skew).
        public static let staleTimestamp = Code("staleTimestamp")
        /// A channel's signature probe (e.g. WeChat Pay `WECHATPAY/SIGNTEST/`), which must be refused.
        public static let probeSignature = Code("probeSignature")
        /// An SM2 signature verifies only under another distinguishing ID than the profile's.
        public static let signerIdentifierMismatch = Code("signerIdentifierMismatch")
        /// A callback was refused for another reason (wrong merchant, unexpected event).
        public static let callbackRejected = Code("callbackRejected")
        /// Encrypted content could not be decrypted.
        public static let decryptionFailed = Code("decryptionFailed")
        /// The request could not be delivered or the answer not received.
        public static let transport = Code("transport")
        /// The day's statement is still being made (WeChat Pay `STATEMENT_CREATING`): ask again later.
        public static let statementNotReady = Code("statementNotReady")
        /// The channel has no statement for the day (WeChat Pay `NO_STATEMENT_EXIST`, APIv2 `No Bill Exist`,
        /// Alipay `isp.bill_not_exist`, UnionPay file transfer `98`): no trades that day — or, asked before
        /// the channel's publication hour, not made yet.
        public static let noStatement = Code("noStatement")
    }

    public let code: Code
    public let channel: ChannelID?
    public let operation: ChannelOperation?
    /// What is wrong, in words an operator can act on. Never contains secrets.
    public let reason: String
    /// The channel's raw status when it answered.
    public let status: ChannelStatus?
    /// Whether resending the same request is safe.
    public let isRetrySafe: Bool

    public init(
        _ code: Code,
        channel: ChannelID? = nil,
        operation: ChannelOperation? = nil,
        reason: String,
        status: ChannelStatus? = nil,
        isRetrySafe: Bool = false
    ) {
        self.code = code
        self.channel = channel
        self.operation = operation
        self.reason = reason
        self.status = status
        self.isRetrySafe = isRetrySafe
    }

    /// The error for an operation a channel does not offer.
    public static func unsupported(_ operation: ChannelOperation, on channel: ChannelID) -> ChannelError {
        ChannelError(
            .unsupportedOperation, channel: channel, operation: operation,
            reason: "\(channel) does not support \(operation)", isRetrySafe: false)
    }

    public var description: String {
        let place = [channel?.rawValue, operation?.name].compactMap { $0 }.joined(separator: ".")
        return "ChannelError.\(code)\(place.isEmpty ? "" : " [\(place)]"): \(reason)"
            + (status.map { " (\($0))" } ?? "")
    }

    public static func == (lhs: ChannelError, rhs: ChannelError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
