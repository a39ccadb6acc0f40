import HISPayCore

extension CurlTransport.Configuration: TransportProvider {
    /// A libcurl transport on these settings.
    public func transport() -> any HTTPTransport { CurlTransport(configuration: self) }

    /// A libcurl transport on these settings presenting the PKCS#12 client certificate.
    public func transport(presentingPKCS12 bytes: [UInt8], password: String) -> any HTTPTransport {
        var mutual = self
        mutual.clientCertificate = .pkcs12(bytes, password: password)
        return CurlTransport(configuration: mutual)
    }
}
