import HISPayCrypto

/// Alipay's `sign_type`: `RSA2` (SHA256withRSA, the default) or the legacy `RSA` (SHA1withRSA).
public enum AlipaySignType: String, Sendable {
    case rsa2 = "RSA2"
    case rsa = "RSA"

    var digest: DigestAlgorithm { self == .rsa2 ? .sha256 : .sha1 }
}
