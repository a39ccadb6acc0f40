import Foundation
import HISPayCore
import HISPayCrypto

/// A WeChat Pay APIv2 merchant profile, from the `wechatpayV2` configuration block:
///
/// ```json
/// "wechatpayV2": {"mchId": "10000100", "appId": "wx2421b1c4370ec43b", "apiKey": "env:WECHATPAY_V2_KEY",
///                 "signType": "MD5", "clientCertificate": "certs/apiclient_cert.p12",
///                 "clientCertificatePassword": "env:WECHATPAY_V2_P12_PASSWORD",
///                 "notifyURL": "https://his.example/notify/wechatpay-v2", "baseURL": "https://api.mch.weixin.qq.com"}
/// ```
/// The client certificate (PKCS#12; its password is the merchant id unless given) is needed only
/// for refunds and reversals.
public struct WeChatPayV2Configuration: Sendable {
    public var merchantID: String
    public var appID: String
    public var signer: WeChatPayV2Signer
    public var apiKey: String
    /// PKCS#12 bytes of `apiclient_cert.p12`, when configured.
    public var clientCertificate: [UInt8]?
    public var clientCertificatePassword: String?
    public var notifyURL: String?
    public var baseURL: String

    public static let keys: Set<String> = [
        "mchId", "appId", "apiKey", "signType", "clientCertificate", "clientCertificatePassword", "notifyURL", "baseURL",
    ]

    public init(
        merchantID: String, appID: String, apiKey: String, signType: WeChatPayV2Signer.SignType = .md5,
        clientCertificate: [UInt8]? = nil, clientCertificatePassword: String? = nil, notifyURL: String? = nil,
        baseURL: String = WeChatPayV3Configuration.productionBaseURL
    ) {
        self.merchantID = merchantID
        self.appID = appID
        self.apiKey = apiKey
        self.signer = WeChatPayV2Signer(apiKey: apiKey, signType: signType)
        self.clientCertificate = clientCertificate
        self.clientCertificatePassword = clientCertificatePassword
        self.notifyURL = notifyURL
        self.baseURL = baseURL
    }

    /// Reads the block. `appId` and the client certificate are optional here; operations that need
    /// them say so.
    public init(block: ConfigBlock) throws {
        try block.rejectUnknownKeys(allowed: Self.keys)
        let signTypeText = try block.optionalString("signType") ?? "MD5"
        guard let signType = WeChatPayV2Signer.SignType(rawValue: signTypeText) else {
            throw ConfigurationError(.invalidValue, "\(block.path).signType must be MD5 or HMAC-SHA256, not \(signTypeText)")
        }
        let certificate = try block.optionalString("clientCertificate") != nil ? try block.fileBytes("clientCertificate") : nil
        self.init(
            merchantID: try block.string("mchId"), appID: try block.optionalString("appId") ?? "", apiKey: try block.string("apiKey"),
            signType: signType, clientCertificate: certificate,
            clientCertificatePassword: try block.optionalString("clientCertificatePassword"),
            notifyURL: try block.optionalString("notifyURL"),
            baseURL: try block.optionalString("baseURL") ?? WeChatPayV3Configuration.productionBaseURL)
    }

    /// The callback handler for this merchant.
    public func callbackHandler() throws -> WeChatPayV2CallbackHandler {
        try WeChatPayV2CallbackHandler(apiKey: apiKey, signType: signer.signType, merchantID: merchantID)
    }
}
