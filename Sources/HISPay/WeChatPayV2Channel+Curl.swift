import HISPayCore
import HISPayCurl
import WeChatPay

extension WeChatPayV2Channel {
    /// A channel on libcurl: one transport for ordinary calls and one presenting the merchant's
    /// `apiclient_cert.p12` (password: `clientCertificatePassword`, else the merchant id) for refunds
    /// and reversals. Without a configured certificate those two operations throw a configuration error.
    public convenience init(
        configuration: WeChatPayV2Configuration,
        transport settings: CurlTransport.Configuration = CurlTransport.Configuration(),
        time: any TimeSource = SystemTimeSource(),
        nonces: any NonceSource = RandomNonceSource()
    ) {
        let (plain, certificate) = Self.curlTransports(configuration: configuration, settings: settings)
        self.init(configuration: configuration, transport: plain, certificateTransport: certificate, time: time, nonces: nonces)
    }

    /// The plain and the client-certificate transports for `configuration`.
    public static func curlTransports(
        configuration: WeChatPayV2Configuration, settings: CurlTransport.Configuration
    ) -> (plain: CurlTransport, certificate: CurlTransport?) {
        guard let bytes = configuration.clientCertificate else { return (CurlTransport(configuration: settings), nil) }
        var mutual = settings
        mutual.clientCertificate = .pkcs12(bytes, password: configuration.clientCertificatePassword ?? configuration.merchantID)
        return (CurlTransport(configuration: settings), CurlTransport(configuration: mutual))
    }
}
