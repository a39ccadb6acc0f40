import Foundation
import HISPay
import HISPayTestSupport
import Testing

@Suite struct TransportConfigurationTests {
    private func transport(_ json: String) throws -> CurlTransport.Configuration {
        let config = try HISPayConfiguration(
            json: Data(#"{"merchants": [{"name": "m"}], "transport": \#(json)}"#.utf8), baseDirectory: Fixtures.directory)
        return try CurlTransport.Configuration(settings: config.transport)
    }

    @Test func readsProxyCATimeoutsAndConcurrency() throws {
        let configuration = try transport(
            #"{"proxy": "http://proxy.hospital.local:3128", "caFile": "tls/ca.pem", "connectTimeoutSeconds": 3, "timeoutSeconds": 25, "maxConcurrentRequests": 8}"#)
        #expect(configuration.proxy == .url("http://proxy.hospital.local:3128"))
        #expect(configuration.trustedCAs == (try Fixtures.bytes("tls/ca.pem")))
        #expect(configuration.connectTimeout == .seconds(3))
        #expect(configuration.defaultTimeout == .seconds(25))
        #expect(configuration.maximumConcurrentRequests == 8)
        #expect(configuration.verifiesPeer)
        #expect(try transport(#"{"proxy": "direct"}"#).proxy == .direct)
        #expect(try CurlTransport.Configuration(settings: nil).proxy == .environment)
    }

    @Test func rejectsBadTransportSettings() {
        #expect(throws: ConfigurationError(.invalidValue, "")) { try transport(#"{"timeoutSeconds": 0}"#) }
        #expect(throws: ConfigurationError(.invalidValue, "")) { try transport(#"{"maxConcurrentRequests": 1000}"#) }
        #expect(throws: ConfigurationError(.invalidValue, "")) { try transport(#"{"timeoutSeconds": "soon"}"#) }
        #expect(throws: ConfigurationError(.unknownKey, "")) { try transport(#"{"verify": false}"#) }
        #expect(throws: ConfigurationError(.fileUnreadable, "")) { try transport(#"{"caFile": "missing.pem"}"#) }
    }
}
