import Foundation
import HISPayCore
import HISPayCrypto

/// An APIv3 notification body: `{"id", "create_time", "event_type", "resource_type", "summary",
/// "resource": {"algorithm": "AEAD_AES_256_GCM", "ciphertext", "associated_data", "nonce", "original_type"}}`.
package struct WeChatPayNotification: Sendable, Decodable {
    package let id: String
    package let createTime: String?
    package let eventType: String
    package let resourceType: String?
    package let summary: String?
    package let resource: Resource

    /// The encrypted business payload.
    package struct Resource: Sendable, Decodable {
        package let algorithm: String
        package let ciphertext: String
        package let associatedData: String?
        package let nonce: String
        package let originalType: String?

        /// Decrypts with the APIv3 key (32 ASCII bytes, AEAD_AES_256_GCM).
        package func decrypt(apiV3Key: APIv3Key, what: String = "resource") throws(ChannelError) -> Data {
            try apiV3Key.open(
                ciphertext: ciphertext, nonce: nonce, associatedData: associatedData ?? "", algorithm: algorithm, what: what)
        }

        enum CodingKeys: String, CodingKey {
            case algorithm, ciphertext, nonce
            case associatedData = "associated_data"
            case originalType = "original_type"
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, summary, resource
        case createTime = "create_time"
        case eventType = "event_type"
        case resourceType = "resource_type"
    }

    /// Parses the raw body; throws `ChannelError/Code/invalidResponse` naming what is missing.
    package init(body: Data) throws(ChannelError) {
        do {
            self = try JSONDecoder().decode(WeChatPayNotification.self, from: body)
        } catch {
            throw ChannelError(.invalidResponse, channel: .wechatPay, operation: .callback, reason: "notification body is not a WeChat Pay notification: \(WeChatPayJSON.describe(error))")
        }
    }

    /// Decrypts the resource with the APIv3 key (32 ASCII bytes, AEAD_AES_256_GCM).
    package func decryptResource(apiV3Key: APIv3Key) throws(ChannelError) -> Data {
        try resource.decrypt(apiV3Key: apiV3Key, what: "notification \(id)")
    }
}
