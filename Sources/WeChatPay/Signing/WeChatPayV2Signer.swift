import Foundation
import HISPayCore
import HISPayCrypto

/// APIv2 signatures: every non-empty parameter but `sign`, sorted by key, joined `k=v` with `&`
/// (values raw), then `&key=API_KEY`; `MD5` or `HMAC-SHA256` (keyed with the API key), upper-case hex.
public struct WeChatPayV2Signer: Sendable {
    /// The signature method.
    public enum SignType: String, Sendable {
        case md5 = "MD5"
        case hmacSHA256 = "HMAC-SHA256"
    }

    public let signType: SignType
    private let apiKey: String

    public init(apiKey: String, signType: SignType = .md5) {
        self.apiKey = apiKey
        self.signType = signType
    }

    /// The text signed for `parameters` (`stringA&key=…`). Contains the API key: never log it.
    public func stringToSign(_ parameters: [String: String]) -> String { String(decoding: bytesToSign(parameters), as: UTF8.self) }

    /// ``stringToSign(_:)``'s UTF-8 bytes.
    func bytesToSign(_ parameters: [String: String]) -> [UInt8] {
        var bytes = SignedPairs.bytes(parameters, excluding: ["sign"], droppingEmpty: true, reserving: 5 + apiKey.utf8.count)
        bytes.append(contentsOf: "&key=".utf8)
        bytes.append(contentsOf: apiKey.utf8)
        return bytes
    }

    /// The upper-case hex signature of `parameters`.
    public func sign(_ parameters: [String: String]) throws -> String {
        let text = bytesToSign(parameters)
        let digest: [UInt8] =
            switch signType {
            case .md5: try DigestAlgorithm.md5.hash(text)
            case .hmacSHA256: try HMAC.authenticationCode(for: text, key: Array(apiKey.utf8))
            }
        return Hex.encode(digest, uppercase: true)
    }

    /// Throws `ChannelError/Code/signatureInvalid` unless `parameters["sign"]` is their signature
    /// (compared in constant time). A `sign_type` field in the parameters selects the method.
    public func verify(_ parameters: [String: String]) throws(ChannelError) {
        guard let given = parameters["sign"], !given.isEmpty else {
            throw ChannelError(.signatureInvalid, channel: .wechatPayV2, reason: "the message has no sign field")
        }
        let signer = parameters["sign_type"].flatMap(SignType.init(rawValue:)).map { WeChatPayV2Signer(apiKey: apiKey, signType: $0) } ?? self
        let expected: String
        do { expected = try signer.sign(parameters) } catch {
            throw ChannelError(.signatureInvalid, channel: .wechatPayV2, reason: "signature could not be computed: \(error)")
        }
        guard ConstantTime.equals(Array(expected.utf8), Array(given.uppercased().utf8)) else {
            throw ChannelError(
                .signatureInvalid, channel: .wechatPayV2,
                reason: "\(signer.signType.rawValue) signature does not match (tampered message, or another API key)")
        }
    }
}
