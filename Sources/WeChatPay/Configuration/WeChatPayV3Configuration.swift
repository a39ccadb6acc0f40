import Foundation
import HISPayCore
import HISPayCrypto

/// A WeChat Pay APIv3 merchant profile, from the `wechatpay` configuration block:
///
/// ```json
/// "wechatpay": {"mchId": "1900000001", "appId": "wx2421b1c4370ec43b", "merchantSerialNo": "5157F09E…",
///               "privateKey": "keys/apiclient_key.pem", "apiV3Key": "env:WECHATPAY_APIV3_KEY",
///               "platformCertificates": ["certs/wechatpay_5DEA10EF.pem"],
///               "platformPublicKey": "certs/pub_key.pem", "platformPublicKeyId": "PUB_KEY_ID_…",
///               "subMchId": "1900000109", "subAppId": "wx8888888888888888",
///               "notifyURL": "https://his.example/notify/wechatpay", "baseURL": "https://api.mch.weixin.qq.com"}
/// ```
/// With `subMchId` the profile works in service-provider (partner) mode: `mchId`/`appId` are the
/// provider's `sp_mchid`/`sp_appid`.
public struct WeChatPayV3Configuration: Sendable {
    public var merchantID: String
    public var appID: String
    public var merchantSerialNo: String
    public var privateKey: PrivateKey
    public var apiV3Key: APIv3Key
    public var platformKeys: PlatformKeys
    public var subMerchantID: String?
    public var subAppID: String?
    public var notifyURL: String?
    public var baseURL: String
    /// The store number a barcode payment (付款码支付) names in `scene_info.store_info.id`, which WeChat
    /// Pay requires (the merchant's own number for the counter or campus); the merchant id when unset.
    public var storeID: String?
    /// The counter device's number (`scene_info.device_id`), if the hospital numbers them.
    public var deviceID: String?

    /// The production gateway.
    public static let productionBaseURL = "https://api.mch.weixin.qq.com"

    public init(
        merchantID: String, appID: String, merchantSerialNo: String, privateKey: PrivateKey, apiV3Key: APIv3Key,
        platformKeys: PlatformKeys, subMerchantID: String? = nil, subAppID: String? = nil, notifyURL: String? = nil,
        baseURL: String = productionBaseURL, storeID: String? = nil, deviceID: String? = nil
    ) {
        self.merchantID = merchantID
        self.appID = appID
        self.merchantSerialNo = merchantSerialNo
        self.privateKey = privateKey
        self.apiV3Key = apiV3Key
        self.platformKeys = platformKeys
        self.subMerchantID = subMerchantID
        self.subAppID = subAppID
        self.notifyURL = notifyURL
        self.baseURL = baseURL
        self.storeID = storeID
        self.deviceID = deviceID
    }

    /// The keys the `wechatpay` block may hold.
    public static let keys: Set<String> = [
        "mchId", "appId", "merchantSerialNo", "privateKey", "apiV3Key", "platformCertificates", "platformPublicKey",
        "platformPublicKeyId", "subMchId", "subAppId", "notifyURL", "baseURL", "storeId", "deviceId",
    ]

    /// Reads the whole block; errors name the key, never its value.
    public init(block: ConfigBlock) throws {
        try block.rejectUnknownKeys(allowed: Self.keys)
        self.init(
            merchantID: try block.string("mchId"), appID: try block.string("appId"),
            merchantSerialNo: try block.string("merchantSerialNo").uppercased(), privateKey: try Self.privateKey(block),
            apiV3Key: try APIv3Key(try block.string("apiV3Key")), platformKeys: try Self.platformKeys(block),
            subMerchantID: try block.optionalString("subMchId"), subAppID: try block.optionalString("subAppId"),
            notifyURL: try block.optionalString("notifyURL"),
            baseURL: try block.optionalString("baseURL") ?? Self.productionBaseURL, storeID: try block.optionalString("storeId"),
            deviceID: try block.optionalString("deviceId"))
    }

    /// Only what request signing needs (`mchId`, `merchantSerialNo`, `privateKey`).
    public static func signer(block: ConfigBlock) throws -> WeChatPayV3Signer {
        try block.rejectUnknownKeys(allowed: keys)
        return WeChatPayV3Signer(
            merchantID: try block.string("mchId"), certificateSerial: try block.string("merchantSerialNo").uppercased(),
            privateKey: try privateKey(block))
    }

    /// Only what callback handling needs (`mchId`, `subMchId`, `apiV3Key`, platform keys).
    public static func callbackHandler(block: ConfigBlock) throws -> WeChatPayV3CallbackHandler {
        try block.rejectUnknownKeys(allowed: keys)
        let keys = try platformKeys(block)
        guard !keys.isEmpty else {
            throw ConfigurationError(.missingKey, "\(block.path) needs platformCertificates or platformPublicKey to verify callbacks")
        }
        return WeChatPayV3CallbackHandler(
            verifier: WeChatPayV3Verifier(keys: keys), apiV3Key: try APIv3Key(try block.string("apiV3Key")),
            merchantIDs: Set([try block.string("mchId"), try block.optionalString("subMchId")].compactMap { $0 }))
    }

    private static func privateKey(_ block: ConfigBlock) throws -> PrivateKey {
        try block.fileValue("privateKey") { try PrivateKey(text: String(decoding: $0, as: UTF8.self)) }
    }

    private static func platformKeys(_ block: ConfigBlock) throws -> PlatformKeys {
        let certificates = try block.fileValues("platformCertificates") { try Certificate.all(pem: String(decoding: $0, as: UTF8.self)) }.flatMap { $0 }
        let publicKeyID = try block.optionalString("platformPublicKeyId")
        var publicKey: PublicKey? = nil
        if try block.optionalString("platformPublicKey") != nil {
            publicKey = try block.fileValue("platformPublicKey") { try PublicKey(text: String(decoding: $0, as: UTF8.self)) }
        }
        if (publicKey == nil) != (publicKeyID == nil) {
            throw ConfigurationError(.missingKey, "\(block.path): platformPublicKey and platformPublicKeyId go together")
        }
        return PlatformKeys(certificates: certificates, publicKeyID: publicKeyID, publicKey: publicKey)
    }

    /// Whether this is a service-provider (partner) profile.
    public var isPartner: Bool { subMerchantID != nil }

    /// The merchant ids a callback may name.
    public var callbackMerchantIDs: Set<String> { Set([merchantID, subMerchantID].compactMap { $0 }) }
}
