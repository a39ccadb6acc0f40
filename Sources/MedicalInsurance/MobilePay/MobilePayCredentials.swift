import Foundation
import HISPayCore
import HISPayCrypto

/// What the NHSA mobile-payment centre issued to the hospital: app id and secret, the channel's SM2
/// private key, the platform's SM2 public key, and the SM2 distinguishing ID the region signs under
/// (the appSecret by default; see ``MobilePaySignerID``).
public struct MobilePayCredentials: Sendable, CustomStringConvertible {
    public let appID: String
    let appSecret: String
    let privateKey: PrivateKey
    public let platformPublicKey: PublicKey
    public let signerID: MobilePaySignerID

    public init(appID: String, appSecret: String, privateKey: PrivateKey, platformPublicKey: PublicKey, signerID: MobilePaySignerID = .appSecret) {
        self.appID = appID
        self.appSecret = appSecret
        self.privateKey = privateKey
        self.platformPublicKey = platformPublicKey
        self.signerID = signerID
    }

    /// The SM4 key of the envelope: `K1 = appId[0..<16]`; `K2 = first 16 characters of the upper-case
    /// hex of SM4-ECB-PKCS7(K1, appSecret)`.
    func dataKey() throws -> [UInt8] {
        let first = try BlockCipher(.sm4ECB, key: Array(appID.utf8.prefix(16)))
        return Array(Hex.encode(try first.encrypt(Array(appSecret.utf8)), uppercase: true).utf8.prefix(16))
    }

    public var description: String { "MobilePayCredentials(appId: \(appID), signed under \(signerID))" }
}
