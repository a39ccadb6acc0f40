import Foundation
import HISPayCore
import HISPayCrypto
import UnionPay

/// The sandbox's UnionPay ACP material, made when it starts: a root → middle chain standing in for
/// CFCA's, the "UnionPay" signing certificate it issues (owner `中国银联股份有限公司`, so the profile
/// verifies answers exactly as in production) and the merchant's signing certificate with its key,
/// exported as a password-protected `.pfx` for the profile. Valid from a day before start for two years.
public struct SandboxUnionPayKeys: Sendable {
    public let merchantID = "898440100000001"
    public let root: Certificate
    public let middle: Certificate
    /// The key and certificate (`signPubKeyCert`) the sandbox signs answers and notifications with.
    public let signingKey: PrivateKey
    public let signingCertificate: Certificate
    /// The merchant's signing key and certificate (its serial is the requests' `certId`).
    public let merchant: PKCS12Bundle
    /// The password of the `.pfx` written for the profile.
    public let pfxPassword: String
    /// UnionPay's sensitive-information encryption certificate (`acp_*_enc.cer`) and its key: a back
    /// consume's `accNo` and `customerInfo.encryptedInfo` are encrypted to it, `encryptCertId` its serial.
    public let encryptionKey: PrivateKey
    public let encryptionCertificate: Certificate

    public init(now: Date = Date()) throws {
        let from = now.addingTimeInterval(-86_400)
        let until = now.addingTimeInterval(86_400 * 730)
        let rootCA = try CertificateIssuer.root(
            commonName: "HISPay Sandbox CFCA Root", organization: "HISPay Sandbox", key: try PrivateKey.generate(.rsa), serial: 1, validFrom: from, until: until)
        let middleCA = try rootCA.authority(
            commonName: "HISPay Sandbox CFCA OCA1", organization: "HISPay Sandbox", key: try PrivateKey.generate(.rsa), serial: 2, validFrom: from, until: until)
        signingKey = try PrivateKey.generate(.rsa)
        signingCertificate = try middleCA.issue(
            commonName: "041@Z2026SANDBOX@\(UnionPayVerifier.owner)@00000001", subjectKey: signingKey.publicKey, serial: 73_000_000_001, validFrom: from, until: until)
        let merchantKey = try PrivateKey.generate(.rsa)
        let merchantCertificate = try middleCA.issue(
            commonName: "041@Z2026SANDBOX@\(merchantID)@00000002", subjectKey: merchantKey.publicKey, serial: 73_000_000_002, validFrom: from, until: until)
        merchant = try PKCS12Bundle(privateKey: merchantKey, certificate: merchantCertificate)
        encryptionKey = try PrivateKey.generate(.rsa)
        encryptionCertificate = try middleCA.issue(
            commonName: "041@Z2026SANDBOX@\(UnionPayVerifier.owner)@00000003", subjectKey: encryptionKey.publicKey, serial: 73_000_000_003, validFrom: from, until: until)
        root = rootCA.certificate
        middle = middleCA.certificate
        pfxPassword = RandomNonceSource(length: 12).nextNonce()
    }

    /// The material as text, for a sandbox state directory (``SandboxKeys/init(stateDirectory:)``).
    func saved() throws -> [String: String] {
        [
            "unionPay.root": root.pemRepresentation, "unionPay.middle": middle.pemRepresentation, "unionPay.signingKey": try signingKey.pkcs8PEM(),
            "unionPay.signingCertificate": signingCertificate.pemRepresentation, "unionPay.merchantKey": try merchant.privateKey.pkcs8PEM(),
            "unionPay.merchantCertificate": merchant.certificate.pemRepresentation, "unionPay.pfxPassword": pfxPassword,
            "unionPay.encryptionKey": try encryptionKey.pkcs8PEM(), "unionPay.encryptionCertificate": encryptionCertificate.pemRepresentation,
        ]
    }

    /// The material ``saved()`` wrote.
    init(saved: SandboxKeys.Saved) throws {
        root = try saved.certificate("unionPay.root")
        middle = try saved.certificate("unionPay.middle")
        signingKey = try saved.key("unionPay.signingKey")
        signingCertificate = try saved.certificate("unionPay.signingCertificate")
        merchant = try PKCS12Bundle(privateKey: try saved.key("unionPay.merchantKey"), certificate: try saved.certificate("unionPay.merchantCertificate"))
        pfxPassword = try saved.text("unionPay.pfxPassword")
        encryptionKey = try saved.key("unionPay.encryptionKey")
        encryptionCertificate = try saved.certificate("unionPay.encryptionCertificate")
    }
}
