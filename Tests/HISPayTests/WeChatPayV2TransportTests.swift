import Foundation
import HISPay
import HISPayTestSupport
import Testing

/// The v2 client certificate (PKCS#12, password = merchant id) reaches a real mTLS server on loopback.
@Suite(.serialized) struct WeChatPayV2TransportTests {
    @Test func certificateTransportPresentsThePKCS12ClientCertificate() async throws {
        let server = try LoopbackServer(.mutualTLS)
        var settings = CurlTransport.Configuration(proxy: .direct)
        settings.trustedCAs = try Fixtures.bytes("tls/ca.pem")
        let configuration = WeChatPayV2Configuration(
            merchantID: "10000100", appID: "wx2421b1c4370ec43b", apiKey: "192006250b4c09247ec02edce69f6a2d",
            clientCertificate: try Fixtures.bytes("tls/client.p12"))
        let (plain, certificate) = WeChatPayV2Channel.curlTransports(configuration: configuration, settings: settings)
        let mutual = try #require(certificate)
        let answer = try await mutual.send(HTTPRequest(method: "GET", url: server.url("/client-cert")))
        #expect(answer.status == 200)
        #expect(answer.text == "his-node-1")
        await #expect(throws: TransportError.self) { try await plain.send(HTTPRequest(method: "GET", url: server.url("/client-cert"))) }

        var wrongPassword = configuration
        wrongPassword.clientCertificatePassword = "not-the-password"
        let refused = try #require(WeChatPayV2Channel.curlTransports(configuration: wrongPassword, settings: settings).certificate)
        await #expect(throws: TransportError.self) { try await refused.send(HTTPRequest(method: "GET", url: server.url("/client-cert"))) }
        #expect(WeChatPayV2Channel.curlTransports(configuration: WeChatPayV2Configuration(merchantID: "1", appID: "", apiKey: "k"), settings: settings).certificate == nil)
    }
}
