import Foundation
import HISPayCore
import HISPayCrypto

/// The merchant's APIv3 key: 32 ASCII characters used directly as the AES-256-GCM key for
/// notification resources and downloaded platform certificates. Never printed.
public struct APIv3Key: Sendable, CustomStringConvertible {
    private let bytes: [UInt8]

    /// Throws `ChannelError/Code/configuration` unless the key has exactly 32 bytes.
    public init(_ text: String) throws(ChannelError) {
        let bytes = Array(text.utf8)
        guard bytes.count == 32 else {
            throw ChannelError(
                .configuration, channel: .wechatPay,
                reason: "the APIv3 key must be 32 characters (AEAD_AES_256_GCM), not \(bytes.count)")
        }
        self.bytes = bytes
    }

    /// Decrypts base64 ciphertext‖tag; throws ``ChannelError/Code/decryptionFailed`` when the key,
    /// nonce or associated data do not match (usually: the wrong APIv3 key is configured).
    func open(ciphertext: String, nonce: String, associatedData: String, algorithm: String, what: String) throws(ChannelError) -> Data {
        guard algorithm == "AEAD_AES_256_GCM" else {
            throw ChannelError(.invalidResponse, channel: .wechatPay, reason: "\(what) uses unsupported algorithm \(algorithm)")
        }
        do {
            let sealed = try Base64.decode(ciphertext)
            return Data(try AESGCM.open(sealed, key: bytes, nonce: Array(nonce.utf8), associatedData: Array(associatedData.utf8)))
        } catch {
            throw ChannelError(
                .decryptionFailed, channel: .wechatPay,
                reason: "\(what) does not decrypt with the configured APIv3 key (wrong key, or altered ciphertext)")
        }
    }

    /// Encrypts `plaintext` the way WeChat Pay does (for the simulator and tests).
    public func seal(_ plaintext: Data, nonce: String, associatedData: String) throws -> String {
        Base64.encode(try AESGCM.seal(Array(plaintext), key: bytes, nonce: Array(nonce.utf8), associatedData: Array(associatedData.utf8)))
    }

    public var description: String { "APIv3Key(<redacted>)" }
}
