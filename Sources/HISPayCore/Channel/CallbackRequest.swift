import Foundation

/// A callback (notification) HTTP request exactly as received: the body is verified byte for byte
/// and never re-serialized.
public struct CallbackRequest: Hashable, Sendable {
    public var method: String
    /// Path and query as received (`/notify/wechatpay?campus=main`).
    public var path: String
    public var headers: HTTPHeaders
    public var body: Data

    public init(method: String = "POST", path: String, headers: HTTPHeaders = HTTPHeaders(), body: Data) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
    }
}
