import Foundation
import HISPayCore

extension WeChatPayV2Channel {
    /// WeChat Pay v2 for the channel registry: the channel verifies its own callbacks (the API key
    /// is all it needs); refunds and reversals present `clientCertificate` when configured.
    public static let descriptor = ChannelDescriptor(
        id: .wechatPayV2, name: "wechatpay-v2", summary: "WeChat Pay v2 (legacy XML)",
        displayName: LocalizedText(zh: "微信支付（v2）", en: "WeChat Pay v2"), accountKey: "mchId",
        makeChannel: { setup in WeChatPayV2Channel(configuration: try WeChatPayV2Configuration(block: setup.block), transports: setup.transports, time: setup.time) },
        statementParser: WeChatPayStatementParser(),
        explainSignature: { setup, input in
            let configuration = try WeChatPayV2Configuration(block: setup.block)
            let data = try input.require(input.parameters, "params")
            guard let parameters = try? JSONDecoder().decode([String: String].self, from: data) else {
                throw ConfigurationError(.invalidValue, "\(input.parametersSource) must be a JSON object of string values")
            }
            // The string-to-sign ends with the API key: shown masked, never in the clear.
            let masked = configuration.signer.stringToSign(parameters).replacingOccurrences(of: "&key=\(configuration.apiKey)", with: "&key=<API_KEY>")
            return ["stringToSign": masked, "signature": try configuration.signer.sign(parameters)]
        },
        // The notice is an XML document (https://pay.weixin.qq.com/wiki/doc/api/jsapi.php?chapter=9_7); its
        // Content-Type is not documented, and XML goes as either of these.
        callbackMediaTypes: ["text/xml", "application/xml"])

    /// A channel on `transports`: one transport for ordinary calls and one presenting the merchant's
    /// `apiclient_cert.p12` (password: `clientCertificatePassword`, else the merchant id) for refunds
    /// and reversals. Without a configured certificate those two operations throw a configuration error.
    public convenience init(
        configuration: WeChatPayV2Configuration, transports: any TransportProvider, time: any TimeSource = SystemTimeSource(),
        nonces: any NonceSource = RandomNonceSource()
    ) {
        let certificate = configuration.clientCertificate.map {
            transports.transport(presentingPKCS12: $0, password: configuration.clientCertificatePassword ?? configuration.merchantID)
        }
        self.init(configuration: configuration, transport: transports.transport(), certificateTransport: certificate, time: time, nonces: nonces)
    }
}
