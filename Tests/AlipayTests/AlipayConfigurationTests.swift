import Alipay
import Foundation
import HISPayCore
import HISPayTestSupport
import Testing

@Suite struct AlipayConfigurationTests {
    func block(_ json: String, files: [String: String]) throws -> ConfigBlock {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hispay-alipay-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, text) in files { try Data(text.utf8).write(to: directory.appendingPathComponent(name)) }
        let config = try HISPayConfiguration(json: Data(#"{"merchants":[{"name":"m","alipay":\#(json)}]}"#.utf8), baseDirectory: directory)
        return try #require(config.merchants[0].block(for: .alipay))
    }

    @Test func certificateModeComputesTheSNsItSends() throws {
        let node = try Fixtures.vector("alipay-cert-sn")["vectors"][0]["inputs"]
        let files = [
            "app_private_key.pem": try Fixtures.vector("alipay-request-sign-rsa2")["inputs"]["app_private_key_pkcs1_pem"].string,
            "appCertPublicKey.crt": node["app_cert_pem"].string, "alipayCertPublicKey_RSA2.crt": node["alipay_public_cert_pem"].string,
            "alipayRootCert.crt": node["alipay_root_cert_pem"].string,
        ]
        let configuration = try AlipayConfiguration(block: block(
            #"{"appId":"2021001161683774","privateKey":"app_private_key.pem","appCertificate":"appCertPublicKey.crt","alipayCertificate":"alipayCertPublicKey_RSA2.crt","alipayRootCertificate":"alipayRootCert.crt"}"#,
            files: files))
        #expect(configuration.appCertSN == "866efef280dec9137a87d047ac446315")
        #expect(configuration.alipayRootCertSN == "687b59193f3f462dd5336e5abf83c5d8_02941eef3187dddf3d3b83462e1dfcf6")
        #expect(configuration.verifier.alipayCertSN == "7513daaaa48aa3ba2e4018d84402479c")
    }

    @Test func incompleteOrWrongBlocksAreRefused() throws {
        let key = try Fixtures.vector("alipay-request-sign-rsa2")["inputs"]["app_private_key_pkcs1_pem"].string
        #expect(throws: ConfigurationError(.missingKey, "")) {
            try AlipayConfiguration(block: block(#"{"appId":"1","privateKey":"k.pem"}"#, files: ["k.pem": key]))
        }
        #expect(throws: ConfigurationError(.invalidValue, "")) {
            try AlipayConfiguration(block: block(#"{"appId":"1","privateKey":"k.pem","alipayPublicKey":"p.txt","signType":"SM2"}"#, files: ["k.pem": key, "p.txt": "x"]))
        }
        #expect(throws: ConfigurationError(.invalidValue, "")) {
            try AlipayConfiguration(block: block(#"{"appId":"1","privateKey":"k.pem","alipayPublicKey":"p.txt"}"#, files: ["k.pem": "not a key", "p.txt": "x"]))
        }
        #expect(throws: ConfigurationError(.unknownKey, "")) {
            try AlipayConfiguration(block: block(#"{"appId":"1","privateKey":"k.pem","alipayPublickey":"p.txt"}"#, files: ["k.pem": key]))
        }
    }
}
