import Foundation
import HISPayCore
import HISPayCrypto

/// An APIv3 notification body: `{"id", "create_time", "event_type", "resource_type", "summary",
/// "resource": {"algorithm": "AEAD_AES_256_GCM", "ciphertext", "associated_data", "nonce", "original_type"}}`.
package struct WeChatPayNotification: Sendable {
    package let id: String
    package let createTime: String?
    package let eventType: String
    package let resourceType: String?
    package let summary: String?
    package let resource: Resource

    /// The encrypted business payload.
    package struct Resource: Sendable {
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

        init(_ json: WeChatPayJSONObject) throws(WeChatPayJSONObject.Problem) {
            algorithm = try json.string("algorithm")
            ciphertext = try json.string("ciphertext")
            associatedData = try json.optionalString("associated_data")
            nonce = try json.string("nonce")
            originalType = try json.optionalString("original_type")
        }
    }

    /// Parses the raw body; throws `ChannelError/Code/invalidResponse` naming what is missing.
    package init(body: Data) throws(ChannelError) {
        do {
            let json = try WeChatPayJSONObject(body)
            id = try json.string("id")
            createTime = try json.optionalString("create_time")
            eventType = try json.string("event_type")
            resourceType = try json.optionalString("resource_type")
            summary = try json.optionalString("summary")
            resource = try Resource(json.object("resource"))
        } catch {
            throw ChannelError(.invalidResponse, channel: .wechatPay, operation: .callback, reason: "notification body is not a WeChat Pay notification: \(error)")
        }
    }

    /// Decrypts the resource with the APIv3 key (32 ASCII bytes, AEAD_AES_256_GCM).
    package func decryptResource(apiV3Key: APIv3Key) throws(ChannelError) -> Data {
        try resource.decrypt(apiV3Key: apiV3Key, what: "notification \(id)")
    }
}
