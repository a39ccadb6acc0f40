import HISPayCrypto

/// Signs gateway requests: every parameter but `sign` (so `sign_type` is included), empty values
/// dropped, sorted, `k=v` joined with `&`, raw values; SHA256withRSA (`RSA2`) or SHA1withRSA (`RSA`),
/// base64.
public struct AlipaySigner: Sendable {
    public let signType: AlipaySignType
    private let privateKey: PrivateKey

    public init(privateKey: PrivateKey, signType: AlipaySignType = .rsa2) {
        self.privateKey = privateKey
        self.signType = signType
    }

    /// The signature (base64) of `text` as it stands: a service-window gateway response signs the
    /// content of its `<response>` element this way.
    public func sign(text: String) throws -> String {
        Base64.encode(try privateKey.rsaSignature(for: Array(text.utf8), digest: signType.digest))
    }

    /// The app's public key, base64 SubjectPublicKeyInfo: what the service-window gateway check
    /// (`verifygw`) answers with.
    public var publicKeyBase64: String {
        get throws { Base64.encode(try privateKey.publicKey.derRepresentation) }
    }

    /// The sign content and its signature.
    public func sign(_ parameters: [String: String]) throws -> (content: String, signature: String) {
        let content = AlipaySignContent.make(parameters, excluding: ["sign"])
        let signature = Base64.encode(try privateKey.rsaSignature(for: Array(content.utf8), digest: signType.digest))
        return (content, signature)
    }
}
