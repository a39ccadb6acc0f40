import Foundation
import HISPayCore
import HISPayCrypto

extension MobilePayCredentials {
    /// Reads the `insurance.mobilePay` block: `appId`, `appSecret`, `privateKey` (a file holding the
    /// SM2 key as PEM, or base64/hex of the raw scalar), `platformPublicKey` (PEM, or base64/hex of
    /// `04‖X‖Y`), `signId` (default `1234567812345678`), `gateway`.
    public init(block: ConfigBlock) throws {
        try block.rejectUnknownKeys(allowed: ["appId", "appSecret", "privateKey", "platformPublicKey", "signId", "gateway"])
        let privateKey = try block.fileValue("privateKey") { bytes in
            let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return text.contains("-----BEGIN") ? try PrivateKey(pem: text) : try PrivateKey(sm2Scalar: Self.rawBytes(text))
        }
        let publicKey = try block.fileValue("platformPublicKey") { bytes in
            let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return text.contains("-----BEGIN") ? try PublicKey(pem: text) : try PublicKey(sm2Point: Self.rawBytes(text))
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
