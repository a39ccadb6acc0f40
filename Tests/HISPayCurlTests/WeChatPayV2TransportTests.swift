import Foundation
import HISPay
import HISPayTestSupport
import Testing

/// The v2 client certificate (PKCS#12, password = merchant id) reaches a real mTLS server on loopback
/// through the curl ``TransportProvider``.
@Suite(.serialized) struct WeChatPayV2TransportTests {
    @Test func certificateTransportPresentsThePKCS12ClientCertificate() async throws {
        let server = try LoopbackServer(.mutualTLS)
        var settings = CurlTransport.Configuration(proxy: .direct)
        settings.trustedCAs = try Fixtures.bytes("tls/ca.pem")
        let p12 = try Fixtures.bytes("tls/client.p12")
        let plain = settings.transport()
        let mutual = settings.transport(presentingPKCS12: p12, password: "10000100")
        let answer = try await mutual.send(HTTPRequest(method: "GET", url: server.url("/client-cert")))
        #expect(answer.status == 200)
        #expect(answer.text == "his-node-1")
        await #expect(throws: TransportError.self) { try await plain.send(HTTPRequest(method: "GET", url: server.url("/client-cert"))) }

        let refused = settings.transport(presentingPKCS12: p12, password: "not-the-password")
        await #expect(throws: TransportError.self) { try await refused.send(HTTPRequest(method: "GET", url: server.url("/client-cert"))) }
    }
}
