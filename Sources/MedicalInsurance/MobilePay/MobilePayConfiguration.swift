import Foundation
import HISPayCore
import HISPayCrypto

extension MobilePayCredentials {
    /// Reads the `insurance.mobilePay` block: `appId`, `appSecret`, `privateKey` (a file holding the
    /// SM2 key as PEM, or base64/hex of the raw scalar), `platformPublicKey` (PEM, or base64/hex of
    /// `04‖X‖Y`), `signId` (default `1234567812345678`), `gateway`.
    public init(block: ConfigBlock) throws {
        try block.rejectUnknownKeys(allowed: ["appId", "appSecret", "privateKey", "platformPublicKey", "signId", "gateway"])
        let privateText = String(decoding: try block.fileBytes("privateKey"), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let publicText = String(decoding: try block.fileBytes("platformPublicKey"), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let privateKey: PrivateKey
        let publicKey: PublicKey
        do {
            privateKey = privateText.contains("-----BEGIN") ? try PrivateKey(pem: privateText) : try PrivateKey(sm2Scalar: Self.rawBytes(privateText))
            publicKey = publicText.contains("-----BEGIN") ? try PublicKey(pem: publicText) : try PublicKey(sm2Point: Self.rawBytes(publicText))
        } catch {
            throw ConfigurationError(.invalidValue, "\(block.path): SM2 keys: \(error)")
        }
        self.init(
            appID: try block.string("appId"), appSecret: try block.string("appSecret"), privateKey: privateKey, platformPublicKey: publicKey,
            signID: try block.optionalString("signId") ?? SM2.defaultIdentifier)
    }

    /// Hex when the text is all hex digits of an even length, else base64.
    static func rawBytes(_ text: String) throws -> [UInt8] {
        if text.count % 2 == 0, text.allSatisfy(\.isHexDigit) { return try Hex.decode(text) }
        return try Base64.decode(text)
    }
}
