import Foundation
import HISPayCore
import HISPayCrypto

/// An Alipay merchant profile, from the `alipay` configuration block:
///
/// ```json
/// "alipay": {"appId": "2021000000000001", "privateKey": "keys/app_private_key.pem", "signType": "RSA2",
///            "alipayPublicKey": "keys/alipay_public_key.txt",
///            "appCertificate": "certs/appCertPublicKey.crt", "alipayCertificate": "certs/alipayCertPublicKey_RSA2.crt",
///            "alipayRootCertificate": "certs/alipayRootCert.crt",
///            "encryptKey": "env:ALIPAY_AES_KEY", "notifyURL": "https://his.example/notify/alipay",
///            "gateway": "https://openapi.alipay.com/gateway.do"}
/// ```
/// Public-key mode needs `alipayPublicKey`; certificate mode the three certificates.
public struct AlipayConfiguration: Sendable {
    public var appID: String
    public var signer: AlipaySigner
    public var verifier: AlipayVerifier
    /// Certificate mode: `app_cert_sn` and `alipay_root_cert_sn` sent with every request.
    public var appCertSN: String?
    public var alipayRootCertSN: String?
    public var contentCipher: AlipayContentCipher?
    public var notifyURL: String?
    public var gateway: String

    public static let productionGateway = "https://openapi.alipay.com/gateway.do"

    public static let keys: Set<String> = [
        "appId", "privateKey", "alipayPublicKey", "appCertificate", "alipayCertificate", "alipayRootCertificate", "signType",
        "encryptKey", "notifyURL", "gateway",
    ]

    public init(
        appID: String, signer: AlipaySigner, verifier: AlipayVerifier, appCertSN: String? = nil, alipayRootCertSN: String? = nil,
        contentCipher: AlipayContentCipher? = nil, notifyURL: String? = nil, gateway: String = productionGateway
    ) {
        self.appID = appID
        self.signer = signer
        self.verifier = verifier
        self.appCertSN = appCertSN
        self.alipayRootCertSN = alipayRootCertSN
        self.contentCipher = contentCipher
        self.notifyURL = notifyURL
        self.gateway = gateway
    }

    /// Reads the block; errors name the key, never its value.
    public init(block: ConfigBlock) throws {
        try block.rejectUnknownKeys(allowed: Self.keys)
        let signType = try Self.signType(block)
        let privateKey = try block.fileValue("privateKey") { try PrivateKey(text: String(decoding: $0, as: UTF8.self)) }
        var cipher: AlipayContentCipher? = nil
        if let key = try block.optionalString("encryptKey") { cipher = try AlipayContentCipher(encryptKey: key) }
        self.init(
            appID: try block.string("appId"), signer: AlipaySigner(privateKey: privateKey, signType: signType),
            verifier: try Self.verifier(block: block), contentCipher: cipher, notifyURL: try block.optionalString("notifyURL"),
            gateway: try block.optionalString("gateway") ?? Self.productionGateway)
        if try block.optionalString("appCertificate") != nil {
            appCertSN = try AlipayCertificateSN.of(Self.certificate(block, "appCertificate"))
            alipayRootCertSN = try AlipayCertificateSN.root(bundle: String(decoding: try block.fileBytes("alipayRootCertificate"), as: UTF8.self))
        }
    }

    /// Only what notification verification needs (`appId`, and `alipayPublicKey` or `alipayCertificate`).
    public static func notificationHandler(block: ConfigBlock) throws -> AlipayNotificationHandler {
        try block.rejectUnknownKeys(allowed: keys)
        return AlipayNotificationHandler(verifier: try verifier(block: block), appID: try block.string("appId"))
    }

    /// Only what request signing needs (`privateKey`, `signType`).
    public static func signer(block: ConfigBlock) throws -> AlipaySigner {
        try block.rejectUnknownKeys(allowed: keys)
        let key = try block.fileValue("privateKey") { try PrivateKey(text: String(decoding: $0, as: UTF8.self)) }
        return AlipaySigner(privateKey: key, signType: try signType(block))
    }

    private static func signType(_ block: ConfigBlock) throws -> AlipaySignType {
        let text = try block.optionalString("signType") ?? "RSA2"
        guard let type = AlipaySignType(rawValue: text) else {
            throw ConfigurationError(.invalidValue, "\(block.path).signType must be RSA2 or RSA, not \(text)")
        }
        return type
    }

    private static func verifier(block: ConfigBlock) throws -> AlipayVerifier {
        let type = try signType(block)
        if try block.optionalString("alipayCertificate") != nil {
            let certificate = try certificate(block, "alipayCertificate")
            return AlipayVerifier(alipayPublicKey: try certificate.publicKey, alipayCertSN: try AlipayCertificateSN.of(certificate), signType: type)
        }
        guard try block.optionalString("alipayPublicKey") != nil else {
            throw ConfigurationError(.missingKey, "\(block.path) needs alipayPublicKey (public-key mode) or alipayCertificate (certificate mode)")
        }
        let key = try block.fileValue("alipayPublicKey") {
            try PublicKey(text: String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return AlipayVerifier(alipayPublicKey: key, signType: type)
    }

    /// The first certificate of a file (Alipay's certificate files may hold a chain).
    private static func certificate(_ block: ConfigBlock, _ key: String) throws -> Certificate {
        try block.fileValue(key) { try Certificate(pemOrDER: $0) }
    }
}
