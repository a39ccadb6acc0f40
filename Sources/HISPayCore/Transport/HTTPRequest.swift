import Foundation

/// An outgoing HTTP request.
public struct HTTPRequest: Hashable, Sendable {
    public var method: String
    /// The absolute URL, `https://…` (or `http://127.0.0.1…` for the local simulator).
    public var url: String
    public var headers: HTTPHeaders
    public var body: Data
    /// The total time allowed for this request; nil uses the transport's default.
    public var timeout: Duration?

    public init(method: String, url: String, headers: HTTPHeaders = HTTPHeaders(), body: Data = Data(), timeout: Duration? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}
