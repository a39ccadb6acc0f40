import Foundation
import HISPay

/// Known-answer checks of the crypto layer against published vectors, and a real round trip of the
/// curl transport over loopback. Each check names the standard or channel it comes from.
enum SelfCheck {
    struct Result: Encodable {
        let name: String
        let ok: Bool
        let detail: String
    }

    static func run(transportConfiguration: CurlTransport.Configuration) async -> [Result] {
        var results = cryptoChecks.map { name, check in
            do {
                return Result(name: name, ok: true, detail: try check())
            } catch {
                return Result(name: name, ok: false, detail: "\(error)")
            }
        }
        results += await transportChecks(transportConfiguration)
        return results
    }

    private static func expect(_ condition: Bool, _ what: String) throws {
        if !condition { throw CLIError("\(what) does not match the published value") }
    }

    private static let cryptoChecks: [(String, @Sendable () throws -> String)] = [
        ("sm3.gbt32905", {
            try expect(Hex.encode(try DigestAlgorithm.sm3.hash("abc"))
                == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0", "SM3(abc)")
            return "GB/T 32905 example 1"
        }),
        ("sm4.gbt32907", {
            let key = try Hex.decode("0123456789abcdeffedcba9876543210")
            let out = try BlockCipher(.sm4ECB, key: key, padding: .none).encrypt(key)
            try expect(Hex.encode(out) == "681edf34d206965e86b3e94f536e4246", "SM4-ECB")
            return "GB/T 32907 example 1"
        }),
        ("sm2.gbt32918", {
            let key = try PrivateKey(sm2Scalar: Hex.decode("3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8"))
            let signature = try Hex.decode(
                "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
                    + "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA")
            let message = Array("message digest".utf8)
            try key.publicKey.verifySM2Signature(signature, for: message, encoding: .raw)
            let fresh = try key.sm2Signature(for: message)
            try key.publicKey.verifySM2Signature(fresh, for: message)
            do {
                try key.publicKey.verifySM2Signature(fresh, for: message, identifier: "ALICE123@YAHOO.COM")
                throw CLIError("an SM2 signature verified under the wrong distinguishing ID")
            } catch let error as CryptoError where error.code == .wrongSM2Identifier {}
            return "GB/T 32918.5 Annex A signature verifies; sign/verify round trip; wrong ID detected"
        }),
        ("rsa.sha256", {
            let key = try PrivateKey.generate(.rsa, bits: 2048)
            let message = Array("app_id=2021000000000001&method=alipay.trade.query".utf8)
            let signature = try key.rsaSignature(for: message)
            try key.publicKey.verifyRSASignature(signature, for: message)
            do {
                try key.publicKey.verifyRSASignature(signature, for: message + [0x20])
                throw CLIError("an RSA signature verified over altered content")
            } catch let error as CryptoError where error.code == .signatureMismatch {}
            return "SHA256withRSA sign/verify round trip; altered content detected"
        }),
        ("aes256gcm.wechatpay", {
            let plain = try AESGCM.open(
                Base64.decode("ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI="), key: Array("a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb".utf8),
                nonce: Array("uluk4a9R25RW".utf8), associatedData: Array("associatedData".utf8))
            try expect(plain == Array("message".utf8), "AEAD_AES_256_GCM")
            return "WeChat Pay APIv3 AEAD_AES_256_GCM vector"
        }),
        ("hmacsha256.wechatpay-v2", {
            let mac = try HMAC.authenticationCode(
                for: Array("appid=wxd930ea5d5a258f4f&body=test&device_info=1000&mch_id=10000100&nonce_str=ibuaiVcKdpRxkhJA&key=192006250b4c09247ec02edce69f6a2d".utf8),
                key: Array("192006250b4c09247ec02edce69f6a2d".utf8))
            try expect(Hex.encode(mac, uppercase: true) == "6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6", "HMAC-SHA256")
            return "WeChat Pay v2 signing example"
        }),
    ]

    private static func transportChecks(_ configuration: CurlTransport.Configuration) async -> [Result] {
        var configuration = configuration
        configuration.proxy = .direct  // the check talks to itself on loopback
        let transport = CurlTransport(configuration: configuration)
        var results: [Result] = []
        do {
            let responder = try LoopbackResponder()
            let url = "http://127.0.0.1:\(responder.port)/self-check"
            let response = try await transport.send(HTTPRequest(method: "POST", url: url, body: Data("ping".utf8), timeout: .seconds(5)))
            let ok = response.status == 200 && response.text == LoopbackResponder.body
            results.append(Result(name: "transport.loopback", ok: ok, detail: "POST over libcurl to 127.0.0.1 returned \(response.status)"))
            responder.close()
            do {
                _ = try await transport.send(HTTPRequest(method: "GET", url: url, timeout: .seconds(5)))
                results.append(Result(name: "transport.refused", ok: false, detail: "a closed port answered"))
            } catch let error as TransportError {
                results.append(Result(
                    name: "transport.refused", ok: error.code == .connectFailed && error.isRetrySafe,
                    detail: "closed port reported as \(error.code), retry safe: \(error.isRetrySafe)"))
            }
        } catch {
            results.append(Result(name: "transport.loopback", ok: false, detail: "\(error)"))
        }
        return results
    }
}
