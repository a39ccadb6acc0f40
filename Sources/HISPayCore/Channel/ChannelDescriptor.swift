import Foundation

/// Everything the rest of HISPay needs to know about one channel, given by the channel's own
/// module: how to build its ``PaymentChannel`` and its ``CallbackVerifier`` from a merchant
/// profile's block, its statement parser, and how its request signature is shown.
///
/// A channel registry (`HISPayService.ChannelRegistry`) holds one descriptor per channel; adding a
/// channel is a module that exposes a descriptor plus one `register` call.
public struct ChannelDescriptor: Sendable {
    /// The channel, as journals, events and configuration blocks name it.
    public let id: ChannelID
    /// The name in URLs (`/notify/{merchant}/{name}`) and on the command line (`--channel`).
    public let name: String
    /// One line for help texts.
    public let summary: String
    /// The channel's name as finance staff say it, for reports (微信支付, 支付宝, 银联, 医保).
    public let displayName: LocalizedText
    /// The block key holding the merchant's account with the channel (WeChat Pay `mchId`, Alipay
    /// `appId`, UnionPay `merId`, NHSA `fixmedinsCode`), named in reports.
    public var accountKey: String?
    /// Builds the channel; nil when the channel takes no payments of its own (the insurance
    /// mobile-payment centre only notifies).
    public var makeChannel: (@Sendable (ChannelSetup) throws -> any PaymentChannel)?
    /// Builds the callback verifier; nil when the block configures no callbacks. When not given,
    /// the channel itself verifies.
    public var makeVerifier: @Sendable (ChannelSetup) throws -> (any CallbackVerifier)?
    /// The parser of the statement the channel downloads.
    public var statementParser: (any StatementParser)?
    /// The string-to-sign and signature of a request built from the input (`hispay sign`), as
    /// named fields.
    public var explainSignature: (@Sendable (ChannelSetup, SignatureInput) throws -> [String: String])?
    /// What reconciliation suggests when the HIS booked a leg of a combined settlement on this
    /// channel that the channel's statement does not show; nil: the generic advice.
    public var unmatchedLegAction: LocalizedText?
    /// The hour (Beijing, on the next day) from which the channel serves a day's statement, for the
    /// nightly reconciliation's downloads; nil when the statement is not downloaded by day (it
    /// comes another way, or another channel's download holds these rows).
    public var statementPublicationHour: Int?
    /// The media types the channel's callbacks are sent as (`application/json`, lower case, without
    /// parameters); a callback declaring another `Content-Type` is refused by the gateway (415), one
    /// declaring none is taken. Empty: any.
    public var callbackMediaTypes: [String]
    /// Whether the channel sends callbacks at all (the hospital card does not: its top-ups' channels do).
    public var takesCallbacks: Bool

    public init(
        id: ChannelID, name: String? = nil, summary: String, displayName: LocalizedText? = nil, accountKey: String? = nil,
        makeChannel: (@Sendable (ChannelSetup) throws -> any PaymentChannel)? = nil,
        makeVerifier: (@Sendable (ChannelSetup) throws -> (any CallbackVerifier)?)? = nil,
        statementParser: (any StatementParser)? = nil,
        explainSignature: (@Sendable (ChannelSetup, SignatureInput) throws -> [String: String])? = nil,
        unmatchedLegAction: LocalizedText? = nil, statementPublicationHour: Int? = nil, callbackMediaTypes: [String] = [], takesCallbacks: Bool = true
    ) {
        self.id = id
        self.name = name ?? id.rawValue
        self.summary = summary
        self.displayName = displayName ?? LocalizedText(zh: name ?? id.rawValue, en: name ?? id.rawValue)
        self.accountKey = accountKey
        self.makeChannel = makeChannel
        self.makeVerifier = makeVerifier ?? { setup in try makeChannel?(setup) }
        self.statementParser = statementParser
        self.explainSignature = explainSignature
        self.unmatchedLegAction = unmatchedLegAction
        self.statementPublicationHour = statementPublicationHour
        self.callbackMediaTypes = callbackMediaTypes
        self.takesCallbacks = takesCallbacks
    }

    /// Whether a callback whose `Content-Type` header is `contentType` may be this channel's: no
    /// header, or its media type (before any `;`, case ignored) among ``callbackMediaTypes``.
    public func acceptsCallback(contentType: String?) -> Bool {
        guard let contentType, !callbackMediaTypes.isEmpty else { return true }
        let mediaType = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0]
        return callbackMediaTypes.contains(mediaType.trimmingCharacters(in: .whitespaces).lowercased())
    }
}
