import Foundation

/// A ``CallbackVerifier`` made of a channel's verification function and its rejection reply: the
/// verify-only road, for a machine that holds a channel's verification material but no signing key.
public struct CallbackVerification: CallbackVerifier {
    public let id: ChannelID
    private let time: any TimeSource
    private let verify: @Sendable (CallbackRequest, Date) throws -> VerifiedCallback
    private let rejection: @Sendable (String) -> HTTPResponse

    /// `verify` gets the request and the time from `time` (certificate validity, timestamp windows).
    public init(
        id: ChannelID, time: any TimeSource = SystemTimeSource(), verify: @escaping @Sendable (CallbackRequest, Date) throws -> VerifiedCallback,
        rejection: @escaping @Sendable (String) -> HTTPResponse
    ) {
        self.id = id
        self.time = time
        self.verify = verify
        self.rejection = rejection
    }

    public func verifyCallback(_ request: CallbackRequest) async throws -> VerifiedCallback { try verify(request, time.now()) }

    public func callbackRejection(reason: String) -> HTTPResponse { rejection(reason) }
}
