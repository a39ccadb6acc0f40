import Foundation
import HISPayCore
import HISPayCrypto

/// The sandbox's own test material, made when it starts: for WeChat Pay the merchant's API key pair
/// (the sandbox verifies requests with its public half and hands the private half to the profile it
/// writes), the platform key that signs answers and callbacks (published to the profile in
/// public-key mode), the APIv3 key that encrypts callback resources, and for APIv2 its API key and
/// client certificate; for Alipay the app's key pair
/// and the "Alipay" key that signs answers and notifications; for UnionPay a certificate chain (see
/// ``SandboxUnionPayKeys``). Nothing here is a real credential.
public struct SandboxKeys: Sendable {
    public let merchantID = "1900000001"
    public let appID = "wx2421b1c4370ec43b"
    public let merchantSerialNo = "5AND80X000000000000000000000000000000001"
    public let platformPublicKeyID = "PUB_KEY_ID_0119000000012026112200000000000001"
    public let merchantKey: PrivateKey
    public let platformKey: PrivateKey
    public let apiV3Key: String
    /// The legacy APIv2 key (signs v2 requests, answers and payment notifications).
    public let apiV2Key: String
    /// APIv2's `apiclient_cert.p12` (the merchant key with a certificate; password: the merchant id).
    public let clientCertificate: Certificate
    public let alipayAppID = "2021000000000099"
    /// The Alipay app's key pair (the profile signs requests with it) and the sandbox's "Alipay" key.
    public let alipayAppKey: PrivateKey
    public let alipayKey: PrivateKey
    /// The mobile-payment centre: the hospital's SM2 key pair, the centre's, and the app credentials.
    public let mobilePayAppID = "5AND80XM0B1LEPAY0000000000000001"
    public let mobilePayAppSecret: String
    public let mobilePayHospitalKey: PrivateKey
    public let mobilePayCentreKey: PrivateKey
    /// UnionPay ACP: the certificate chain, the sandbox's signing certificate and the merchant's `.pfx`.
    public let unionPay: SandboxUnionPayKeys

    public init() throws {
        merchantKey = try PrivateKey.generate(.rsa)
        platformKey = try PrivateKey.generate(.rsa)
        alipayAppKey = try PrivateKey.generate(.rsa)
        alipayKey = try PrivateKey.generate(.rsa)
        mobilePayHospitalKey = try PrivateKey.generate(.sm2)
        mobilePayCentreKey = try PrivateKey.generate(.sm2)
        unionPay = try SandboxUnionPayKeys()
        let secrets = RandomNonceSource(length: 32)
        apiV3Key = secrets.nextNonce()
        apiV2Key = secrets.nextNonce()
        clientCertificate = try CertificateIssuer.root(
            commonName: merchantID, organization: "微信商户系统", key: merchantKey, serial: 0x5A_4D_00_01, validFrom: Date().addingTimeInterval(-86_400),
            until: Date().addingTimeInterval(86_400 * 730)
        ).certificate
        mobilePayAppSecret = secrets.nextNonce()
    }

    /// The keys kept in `directory` (`sandbox-keys.json`, mode 0600): read when it holds them, else
    /// made and written there — so a HIS configured against the sandbox keeps working across restarts.
    public init(stateDirectory directory: URL) throws {
        let file = directory.appendingPathComponent("sandbox-keys.json")
        if let data = FileManager.default.contents(atPath: file.path) {
            guard let fields = try? JSONDecoder().decode([String: String].self, from: data) else {
                throw StateError(description: "\(file.path) is not the sandbox's key file")
            }
            try self.init(saved: fields)
            return
        }
        try self.init()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            try encoder.encode(try saved()).write(to: file)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        } catch let error as StateError {
            throw error
        } catch {
            throw StateError(description: "cannot write \(file.path): \(FileFailure.reason(error))")
        }
    }

    /// A sandbox state directory that cannot be read or written.
    public struct StateError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Every key and secret as text.
    private func saved() throws -> [String: String] {
        [
            "merchantKey": try merchantKey.pkcs8PEM(), "platformKey": try platformKey.pkcs8PEM(), "apiV3Key": apiV3Key, "apiV2Key": apiV2Key,
            "clientCertificate": clientCertificate.pemRepresentation, "alipayAppKey": try alipayAppKey.pkcs8PEM(), "alipayKey": try alipayKey.pkcs8PEM(),
            "mobilePayAppSecret": mobilePayAppSecret, "mobilePayHospitalKey": try mobilePayHospitalKey.pkcs8PEM(),
            "mobilePayCentreKey": try mobilePayCentreKey.pkcs8PEM(),
        ].merging(try unionPay.saved()) { $1 }
    }

    private init(saved fields: [String: String]) throws {
        let saved = Saved(fields: fields)
        merchantKey = try saved.key("merchantKey")
        platformKey = try saved.key("platformKey")
        apiV3Key = try saved.text("apiV3Key")
        apiV2Key = try saved.text("apiV2Key")
        clientCertificate = try saved.certificate("clientCertificate")
        alipayAppKey = try saved.key("alipayAppKey")
        alipayKey = try saved.key("alipayKey")
        mobilePayAppSecret = try saved.text("mobilePayAppSecret")
        mobilePayHospitalKey = try saved.key("mobilePayHospitalKey")
        mobilePayCentreKey = try saved.key("mobilePayCentreKey")
        unionPay = try SandboxUnionPayKeys(saved: saved)
    }

    /// The fields of a state file, read back as text, keys and certificates.
    struct Saved {
        let fields: [String: String]

        func text(_ name: String) throws -> String {
            guard let value = fields[name] else { throw StateError(description: "the sandbox state lacks \(name)") }
            return value
        }

        func key(_ name: String) throws -> PrivateKey { try PrivateKey(pem: try text(name)) }
        func certificate(_ name: String) throws -> Certificate { try Certificate(pem: try text(name)) }
    }

    /// Writes a ready merchant profile `sandbox` pointing at `baseURL` — `hispay.json` plus its key
    /// files — into `url`'s directory, with `notifyURL` for callbacks (by default the sandbox's own
    /// sink, `/sandbox/notify-sink`, which accepts and drops them).
    public func writeConfig(to url: URL, baseURL: String, notifyURL: String?) throws {
        let directory = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(try merchantKey.pkcs8PEM().utf8).write(to: directory.appendingPathComponent("sandbox_apiclient_key.pem"))
        try Data(platformKey.publicKey.pemRepresentation.utf8).write(to: directory.appendingPathComponent("sandbox_platform_pub.pem"))
        var wechat: [String: Any] = [
            "mchId": merchantID, "appId": appID, "merchantSerialNo": merchantSerialNo, "privateKey": "sandbox_apiclient_key.pem",
            "apiV3Key": apiV3Key, "platformPublicKey": "sandbox_platform_pub.pem", "platformPublicKeyId": platformPublicKeyID, "baseURL": baseURL,
        ]
        wechat["notifyURL"] = notifyURL ?? baseURL + "/sandbox/notify-sink"
        try Data(try PKCS12Bundle(privateKey: merchantKey, certificate: clientCertificate).der(password: merchantID))
            .write(to: directory.appendingPathComponent("sandbox_apiclient_cert.p12"))
        let wechatV2: [String: Any] = [
            "mchId": merchantID, "appId": appID, "apiKey": apiV2Key, "signType": "MD5", "clientCertificate": "sandbox_apiclient_cert.p12",
            "baseURL": baseURL + "/v2",
            "notifyURL": notifyURL.map { $0.replacingOccurrences(of: "/wechatpay", with: "/wechatpay-v2") } ?? baseURL + "/sandbox/notify-sink",
        ]
        try Data(try alipayAppKey.pkcs8PEM().utf8).write(to: directory.appendingPathComponent("sandbox_alipay_app_key.pem"))
        try Data(alipayKey.publicKey.pemRepresentation.utf8).write(to: directory.appendingPathComponent("sandbox_alipay_pub.pem"))
        let alipay: [String: Any] = [
            "appId": alipayAppID, "privateKey": "sandbox_alipay_app_key.pem", "alipayPublicKey": "sandbox_alipay_pub.pem",
            "gateway": baseURL + "/gateway.do", "notifyURL": notifyURL.map { $0.replacingOccurrences(of: "/wechatpay", with: "/alipay") } ?? baseURL + "/sandbox/notify-sink",
        ]
        try Data(try mobilePayHospitalKey.pkcs8PEM().utf8).write(to: directory.appendingPathComponent("sandbox_mobilepay_sm2.pem"))
        try Data(mobilePayCentreKey.publicKey.pemRepresentation.utf8).write(to: directory.appendingPathComponent("sandbox_mobilepay_centre_pub.pem"))
        let insurance: [String: Any] = [
            "fixmedinsCode": "H44010600001", "fixmedinsName": "HISPay 沙箱医院", "mdtrtareaAdmvs": "440100", "gateway": baseURL + "/fsi/api",
            "mobilePay": [
                "appId": mobilePayAppID, "appSecret": mobilePayAppSecret, "privateKey": "sandbox_mobilepay_sm2.pem",
                "platformPublicKey": "sandbox_mobilepay_centre_pub.pem", "gateway": baseURL + "/mobilepay",
            ],
        ]
        try Data(try unionPay.merchant.der(password: unionPay.pfxPassword)).write(to: directory.appendingPathComponent("sandbox_unionpay_sign.pfx"))
        try Data(unionPay.root.pemRepresentation.utf8).write(to: directory.appendingPathComponent("sandbox_unionpay_root.pem"))
        try Data(unionPay.middle.pemRepresentation.utf8).write(to: directory.appendingPathComponent("sandbox_unionpay_middle.pem"))
        // The 5.0.0 verify certificate (5.1.0 messages carry it in signPubKeyCert instead).
        try Data(unionPay.signingCertificate.pemRepresentation.utf8).write(to: directory.appendingPathComponent("sandbox_unionpay_verify.pem"))
        try Data(unionPay.encryptionCertificate.pemRepresentation.utf8).write(to: directory.appendingPathComponent("sandbox_unionpay_encrypt.pem"))
        let unionpay: [String: Any] = [
            "merId": unionPay.merchantID, "signCertificate": "sandbox_unionpay_sign.pfx", "signCertificatePassword": unionPay.pfxPassword,
            "rootCertificate": "sandbox_unionpay_root.pem", "middleCertificate": "sandbox_unionpay_middle.pem", "verifyCertificates": ["sandbox_unionpay_verify.pem"],
            "encryptCertificate": "sandbox_unionpay_encrypt.pem",
            "gateway": baseURL + "/unionpay", "fileGateway": baseURL + "/unionpay/file", "frontURL": baseURL + "/sandbox/front-return",
            "backURL": notifyURL.map { $0.replacingOccurrences(of: "/wechatpay", with: "/unionpay") } ?? baseURL + "/sandbox/notify-sink",
        ]
        let config: [String: Any] = [
            "transport": ["proxy": "direct"],
            "merchants": [[
                "name": "sandbox", "wechatpay": wechat, "wechatpayV2": wechatV2, "alipay": alipay, "unionpay": unionpay, "insurance": insurance,
                // The hospital's own card, topped up on the sandbox's channels (its ledger lives in the store).
                "hospitalcard": ["topUpChannels": ["wechatpay", "alipay", "unionpay", "cash"]],
            ]],
        ]
        try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]).write(to: url)
    }
}
