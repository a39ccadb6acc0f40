import Foundation
import HISPayCore
import HISPayCrypto

/// A UnionPay ACP merchant profile, from the `unionpay` configuration block:
///
/// ```json
/// "unionpay": {"merId": "777290058167151", "signCertificate": "certs/acp_sign.pfx",
///              "signCertificatePassword": "env:UNIONPAY_PFX_PASSWORD",
///              "rootCertificate": "certs/acp_root.cer", "middleCertificate": "certs/acp_middle.cer",
///              "testEnvironment": false, "version": "5.1.0", "secureKey": "env:UNIONPAY_SECURE_KEY",
///              "verifyCertificates": ["certs/acp_verify_sign.cer"], "encryptCertificate": "certs/acp_enc.cer",
///              "frontURL": "https://his.example/pay/return", "backURL": "https://his.example/notify/unionpay",
///              "gateway": "https://gateway.95516.com", "fileGateway": "https://filedownload.95516.com"}
/// ```
/// `secureKey` alone selects signMethod 11 (SHA-256); `"signMethod": "12"` with it selects SM3.
public struct UnionPayConfiguration: Sendable {
    public var merchantID: String
    public var signer: UnionPaySigner
    public var verifier: UnionPayVerifier
    public var frontURL: String?
    public var backURL: String?
    public var gateway: String
    public var fileGateway: String
    /// UnionPay's sensitive-information encryption certificate (`acp_*_enc.cer`): a back card consume
    /// encrypts the card number to it.
    public var encryptionCertificate: Certificate?

    public static let productionGateway = "https://gateway.95516.com"
    public static let productionFileGateway = "https://filedownload.95516.com"
    public static let keys: Set<String> = [
        "merId", "signCertificate", "signCertificatePassword", "rootCertificate", "middleCertificate", "testEnvironment", "version",
        "secureKey", "signMethod", "frontURL", "backURL", "gateway", "fileGateway", "verifyCertificates", "encryptCertificate",
    ]

    public init(
        merchantID: String, signer: UnionPaySigner, verifier: UnionPayVerifier, frontURL: String? = nil, backURL: String? = nil,
        gateway: String = productionGateway, fileGateway: String = productionFileGateway, encryptionCertificate: Certificate? = nil
    ) {
        self.merchantID = merchantID
        self.signer = signer
        self.verifier = verifier
        self.frontURL = frontURL
        self.backURL = backURL
        self.gateway = gateway
        self.fileGateway = fileGateway
        self.encryptionCertificate = encryptionCertificate
    }

    /// `verifyCertificates`: the file paths of UnionPay's 5.0.0 verify certificates (PEM or DER); a
    /// 5.0.0 certificate profile needs at least one.
    private static func verifyCertificates(_ block: ConfigBlock, required: Bool) throws -> [Certificate] {
        let certificates = try block.fileValues("verifyCertificates") { try Certificate(pemOrDER: $0) }
        if required, certificates.isEmpty {
            throw ConfigurationError(.missingKey, "\(block.path) is version 5.0.0: it needs verifyCertificates (UnionPay's acp_*_verify_sign.cer) to verify answers")
        }
        return certificates
    }

    /// Reads the block; errors name the key, never its value.
    public init(block: ConfigBlock) throws {
        try block.rejectUnknownKeys(allowed: Self.keys)
        let version = try block.optionalString("version") ?? "5.1.0"
        guard version == "5.1.0" || version == "5.0.0" else {
            throw ConfigurationError(.invalidValue, "\(block.path).version must be 5.1.0 or 5.0.0, not \(version)")
        }
        let secureKey = try block.optionalString("secureKey")
        let method: UnionPaySigner.Method
        if try block.optionalString("signCertificate") != nil {
            let password = try block.string("signCertificatePassword")
            method = .certificate(try block.fileValue("signCertificate") { try PKCS12Bundle(der: $0, password: password) })
        } else if let secureKey {
            method = try block.optionalString("signMethod") == "12" ? .secureKeySM3(secureKey) : .secureKeySHA256(secureKey)
        } else {
            throw ConfigurationError(.missingKey, "\(block.path) needs signCertificate (signMethod 01) or secureKey (11/12)")
        }
        var roots: [Certificate] = []
        var middles: [Certificate] = []
        if case .certificate = method {
            roots = [try block.fileValue("rootCertificate") { try Certificate(pemOrDER: $0) }]
            middles = [try block.fileValue("middleCertificate") { try Certificate(pemOrDER: $0) }]
        }
        self.init(
            merchantID: try block.string("merId"), signer: UnionPaySigner(method: method, version: version),
            verifier: UnionPayVerifier(
                roots: roots, middles: middles, testEnvironment: try block.bool("testEnvironment") ?? false, secureKey: secureKey,
                verifyCertificates: try Self.verifyCertificates(block, required: version == "5.0.0" && roots.count > 0)),
            frontURL: try block.optionalString("frontURL"), backURL: try block.optionalString("backURL"),
            gateway: try block.optionalString("gateway") ?? Self.productionGateway,
            fileGateway: try block.optionalString("fileGateway") ?? Self.productionFileGateway,
            encryptionCertificate: try block.optionalString("encryptCertificate") == nil ? nil : try block.fileValue("encryptCertificate") { try Certificate(pemOrDER: $0) })
    }
}
