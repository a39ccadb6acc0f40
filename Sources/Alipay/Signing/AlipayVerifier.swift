import Foundation
import HISPayCore
import HISPayCrypto

/// Verifies what Alipay signs — gateway answers over their raw response text, notifications over
/// their sorted fields — with Alipay's public key (public-key mode) or the key of Alipay's
/// certificate (certificate mode).
public struct AlipayVerifier: Sendable {
    public let alipayPublicKey: PublicKey
    /// In certificate mode: the SN of the configured Alipay certificate. An answer naming another SN
    /// means Alipay rotated its certificate: `ChannelError/Code/unknownSigningKey` tells the caller
    /// to install the new one.
    public let alipayCertSN: String?
    public let signType: AlipaySignType

    public init(alipayPublicKey: PublicKey, alipayCertSN: String? = nil, signType: AlipaySignType = .rsa2) {
        self.alipayPublicKey = alipayPublicKey
        self.alipayCertSN = alipayCertSN
        self.signType = signType
    }

    /// Verifies a gateway answer. Unsigned answers are accepted only when they are not successes
    /// (the caller never acts on them as paid).
    package func verify(_ response: AlipayResponseText, method: String) throws(ChannelError) {
        if let alipayCertSN, let named = response.alipayCertSN, named != alipayCertSN {
            throw ChannelError(
                .unknownSigningKey, channel: .alipay,
                reason: "answer is signed under Alipay certificate SN \(named), not the configured \(alipayCertSN): download and install Alipay's new certificate")
        }
        guard let sign = response.sign else {
            // Unsigned error answers carry nothing to act on; an encrypted or successful one must be signed.
            if response.encryptedContent == nil, response.isGatewayError || (response.fields["code"] as? String) != "10000" { return }
            throw ChannelError(.signatureInvalid, channel: .alipay, reason: "answer to \(method) carries no sign")
        }
        try verify(signature: sign, content: response.signedContent, what: "answer to \(method)")
    }

    /// Verifies a notification's fields: first without `sign` and `sign_type` (trade notifications),
    /// then keeping `sign_type` (the families signed that way).
    public func verify(notification fields: [String: String]) throws(ChannelError) {
        guard let sign = fields["sign"], !sign.isEmpty else {
            throw ChannelError(.signatureInvalid, channel: .alipay, operation: .callback, reason: "notification has no sign")
        }
        let withoutType = AlipaySignContent.make(fields, excluding: ["sign", "sign_type"])
        if (try? verify(signature: sign, content: withoutType, what: "notification")) != nil { return }
        try verify(signature: sign, content: AlipaySignContent.make(fields, excluding: ["sign"]), what: "notification")
    }

    private func verify(signature: String, content: String, what: String) throws(ChannelError) {
        do {
            try alipayPublicKey.verifyRSASignature(try Base64.decode(signature), for: Array(content.utf8), digest: signType.digest)
        } catch {
            throw ChannelError(.signatureInvalid, channel: .alipay, reason: "\(what) signature does not verify: \((error as? CryptoError)?.reason ?? "\(error)")")
        }
    }
}
