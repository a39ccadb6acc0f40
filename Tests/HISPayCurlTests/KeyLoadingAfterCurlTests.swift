import Foundation
import HISPay
import HISPayTestSupport
import Testing

/// Loading keys must work whatever initialised OpenSSL first (libcurl initialises it too).
@Suite struct KeyLoadingAfterCurlTests {
    @Test func pemKeysLoadAfterATransportExists() throws {
        _ = CurlTransport(configuration: .init(proxy: .direct))
        let pem = try Fixtures.vector("wechat-v3-authorization-header")["vectors"][1]["inputs"]["merchant_private_key_pkcs8_pem"].string
        let key = try PrivateKey(pem: pem)
        #expect(key.algorithm == .rsa)
        let pkcs1 = try Fixtures.vector("alipay-request-sign-rsa2")["inputs"]["app_private_key_pkcs1_pem"].string
        #expect(try PrivateKey(pem: pkcs1).bits == 2048)
    }
}
