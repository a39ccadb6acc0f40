import Foundation

/// What the callback gateway needs of a channel: verify (and decrypt) a raw callback, and the
/// channel's documented reply when a callback is not accepted.
///
/// Every ``PaymentChannel`` is one. A machine that only faces the channels (it holds verification
/// material, no signing key) uses a channel's verify-only verifier, which ``ChannelDescriptor``
/// builds from a configuration block.
public protocol CallbackVerifier: Sendable {
    /// The channel whose callbacks this verifies.
    var id: ChannelID { get }
    /// Verifies (and decrypts) a callback from its raw request and returns the event with the
    /// channel's exact acknowledgement. Throws when the callback cannot be trusted.
    func verifyCallback(_ request: CallbackRequest) async throws -> VerifiedCallback
    /// The channel's documented reply for a callback that was not accepted (so it retries).
    func callbackRejection(reason: String) -> HTTPResponse
}

extension CallbackVerifier {
    /// A plain `400` with the reason as text, for channels without a documented failure reply.
    public func callbackRejection(reason: String) -> HTTPResponse {
        HTTPResponse(status: 400, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Data(reason.utf8))
    }
}
