/// Makes the HTTP transports a channel needs from one set of settings (proxy, timeouts, trusted
/// CAs): a plain one, and one that presents a client certificate (WeChat Pay v2 refunds).
/// `HISPayCurl`'s `CurlTransport.Configuration` is the production one.
public protocol TransportProvider: Sendable {
    /// A transport for ordinary calls.
    func transport() -> any HTTPTransport
    /// A transport presenting the PKCS#12 client certificate `bytes` (opened with `password`).
    func transport(presentingPKCS12 bytes: [UInt8], password: String) -> any HTTPTransport
}
