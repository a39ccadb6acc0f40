/// Sends HTTP requests (DESIGN decision 5). Production uses `CurlTransport` (HISPayCurl); tests use
/// `ReplayTransport` and `RecordingTransport`.
///
/// A transport returns every HTTP status as a response; it throws ``TransportError`` only when no
/// response was received.
public protocol HTTPTransport: Sendable {
    /// Sends `request` and returns the response, honouring `request.timeout`.
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}
