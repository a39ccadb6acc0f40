import Foundation
import HISPayCore
import HISPayCrypto

/// Signs ACP requests.
/// - signMethod `01` (certificate): `certId` = the signing certificate's decimal serial; the digest
///   (SHA-256 for 5.1.0, SHA-1 for 5.0.0) of the sorted `key=value` string as lower-case hex, then
///   SHA256withRSA (SHA1withRSA for 5.0.0) over that hex **text**, base64.
/// - signMethod `11` / `12` (secure key): lower-case hex SHA-256 / SM3 of
///   `string + "&" + hex(SHA-256/SM3(secureKey))`.
public struct UnionPaySigner: Sendable {
    public enum Method: Sendable {
        case certificate(PKCS12Bundle)
        case secureKeySHA256(String)
        case secureKeySM3(String)
    }

    public let method: Method
    /// `5.1.0` or `5.0.0`.
    public let version: String

    public init(method: Method, version: String = "5.1.0") {
        self.method = method
        self.version = version
    }

    /// `01`, `11` or `12`.
    public var signMethod: String {
        switch method {
        case .certificate: "01"
        case .secureKeySHA256: "11"
        case .secureKeySM3: "12"
        }
    }

    /// The signing certificate's `certId`, in certificate mode.
    public var certID: String? {
        if case .certificate(let bundle) = method { return bundle.certificate.serialNumberDecimal }
        return nil
    }

    /// Adds `signMethod`, `certId` (certificate mode) and `signature` to `fields`; returns the signed
    /// fields and the string that was signed. With `now`, a signing certificate outside its validity
    /// is refused (UnionPay would reject the request anyway, with a less helpful message).
    public func sign(_ fields: [String: String], now: Date? = nil) throws -> (fields: [String: String], stringToSign: String) {
        if let now, case .certificate(let bundle) = method {
            do { try bundle.certificate.checkValidity(at: now) } catch {
                throw ChannelError(.configuration, channel: .unionPay, reason: "the merchant signing certificate (certId \(bundle.certificate.serialNumberDecimal)) cannot sign now: \((error as? CryptoError)?.reason ?? "\(error)")")
            }
        }
        var all = fields.filter { !$0.value.trimmingCharacters(in: .whitespaces).isEmpty }.mapValues { $0.trimmingCharacters(in: .whitespaces) }
        all["signMethod"] = signMethod
        all["version"] = all["version"] ?? version
        if let certID { all["certId"] = certID }
        let text = UnionPayMessage.stringToSign(all)
        switch method {
        case .certificate(let bundle):
            let digest: DigestAlgorithm = version == "5.0.0" ? .sha1 : .sha256
            let hex = Hex.encode(try digest.hash(text))
            all["signature"] = Base64.encode(try bundle.privateKey.rsaSignature(for: Array(hex.utf8), digest: digest))
        case .secureKeySHA256(let key):
            all["signature"] = try Self.secureKeySignature(text, key: key, digest: .sha256)
        case .secureKeySM3(let key):
            all["signature"] = try Self.secureKeySignature(text, key: key, digest: .sm3)
        }
        return (all, text)
    }

    static func secureKeySignature(_ text: String, key: String, digest: DigestAlgorithm) throws -> String {
        Hex.encode(try digest.hash(text + "&" + Hex.encode(try digest.hash(key))))
    }
}
