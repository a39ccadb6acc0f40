import Foundation
import HISPayCore
import HISPayCrypto

/// Signs APIv3 requests: `METHOD\nCANONICAL_URL\nTIMESTAMP\nNONCE\nBODY\n` with SHA256withRSA under
/// the merchant's API key, carried in `Authorization: WECHATPAY2-SHA256-RSA2048 mchid="…",
/// nonce_str="…",timestamp="…",serial_no="…",signature="…"`.
public struct WeChatPayV3Signer: Sendable {
    /// The merchant id (`mchid`) that signs: the service provider's in partner mode.
    public let merchantID: String
    /// The serial number (upper-case hex) of the merchant API certificate.
    public let certificateSerial: String
    private let privateKey: PrivateKey

    /// The scheme name in the Authorization header.
    public static let scheme = "WECHATPAY2-SHA256-RSA2048"

    public init(merchantID: String, certificateSerial: String, privateKey: PrivateKey) {
        self.merchantID = merchantID
        self.certificateSerial = certificateSerial
        self.privateKey = privateKey
    }

    /// A request signature.
    public struct Signature: Hashable, Sendable {
        public let stringToSign: String
        /// Base64 SHA256withRSA over ``stringToSign``.
        public let signature: String
        /// The complete `Authorization` header value.
        public let authorization: String
    }

    /// Signs a request. `canonicalURL` is path plus `?query` (no scheme or host); `body` is the exact
    /// bytes sent (empty for GET).
    public func sign(method: String, canonicalURL: String, body: Data, timestamp: Int64, nonce: String) throws -> Signature {
        let text = "\(method)\n\(canonicalURL)\n\(timestamp)\n\(nonce)\n\(String(decoding: body, as: UTF8.self))\n"
        var message = Data("\(method)\n\(canonicalURL)\n\(timestamp)\n\(nonce)\n".utf8)
        message.append(body)
        message.append(0x0A)
        let signature = Base64.encode(try privateKey.rsaSignature(for: message))
        let authorization =
            "\(Self.scheme) mchid=\"\(merchantID)\",nonce_str=\"\(nonce)\",timestamp=\"\(timestamp)\","
            + "serial_no=\"\(certificateSerial)\",signature=\"\(signature)\""
        return Signature(stringToSign: text, signature: signature, authorization: authorization)
    }

    /// Signs arbitrary text (front-end `paySign`, app parameters) with the merchant key, base64.
    public func signature(for text: String) throws -> String {
        Base64.encode(try privateKey.rsaSignature(for: Array(text.utf8)))
    }

    /// Path and query of an absolute URL (`https://api.mch.weixin.qq.com/v3/x?y=1` → `/v3/x?y=1`).
    public static func canonicalURL(of url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        guard let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) else { return "/" }
        let path = rest[slash...]
        return path.hasPrefix("?") ? "/" + path : String(path)
    }
}
