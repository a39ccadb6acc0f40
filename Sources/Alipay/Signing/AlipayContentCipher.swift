import Foundation
import HISPayCore
import HISPayCrypto

/// Optional content encryption (`encrypt_type=AES`): AES-128-CBC with the base64 `encryptKey`, a
/// zero IV and PKCS#7 padding, base64 text.
public struct AlipayContentCipher: Sendable {
    private let cipher: BlockCipher
    private static let iv = [UInt8](repeating: 0, count: 16)

    /// Throws `ConfigurationError/Code/invalidValue` unless the key is base64 of 16 bytes.
    public init(encryptKey: String) throws {
        guard let key = try? Base64.decode(encryptKey), key.count == 16 else {
            throw ConfigurationError(.invalidValue, "alipay.encryptKey must be base64 of 16 bytes (AES-128)")
        }
        cipher = try BlockCipher(.aes128CBC, key: key)
    }

    public func encrypt(_ text: String) throws -> String {
        Base64.encode(try cipher.encrypt(Array(text.utf8), iv: Self.iv))
    }

    /// Throws `ChannelError/Code/decryptionFailed` when the text does not decrypt with this key.
    public func decrypt(_ text: String) throws(ChannelError) -> String {
        do {
            return String(decoding: try cipher.decrypt(Base64.decode(text), iv: Self.iv), as: UTF8.self)
        } catch {
            throw ChannelError(.decryptionFailed, channel: .alipay, reason: "content does not decrypt with the configured encryptKey")
        }
    }
}
