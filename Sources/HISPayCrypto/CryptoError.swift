/// An error from the crypto layer: a code callers can switch on, and a reason that names what is
/// wrong without ever quoting key material.
///
/// Codes are extensible static values rather than enum cases, so adding one is not a source break.
/// Two errors are equal when their codes are equal.
public struct CryptoError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// Key text or bytes could not be parsed as any supported key format.
        public static let malformedKey = Code("malformedKey")
        /// The key is of the wrong type for the operation (e.g. an RSA key given to SM2).
        public static let keyTypeMismatch = Code("keyTypeMismatch")
        /// A PKCS#12 file or encrypted PEM did not open with the given password.
        public static let wrongPassword = Code("wrongPassword")
        /// The signature does not belong to this public key: signed by another key, or its bytes were altered.
        public static let wrongKey = Code("wrongKey")
        /// The signature is from this key but over different content (tampered or re-serialized message).
        public static let signatureMismatch = Code("signatureMismatch")
        /// The signature is from this key over this content but with another digest (e.g. SHA-1 vs SHA-256).
        public static let digestMismatch = Code("digestMismatch")
        /// An SM2 signature verifies only under another distinguishing ID than the one configured.
        public static let wrongSM2Identifier = Code("wrongSM2Identifier")
        /// Signature bytes are not in the expected encoding or length.
        public static let malformedSignature = Code("malformedSignature")
        /// Authenticated decryption failed: wrong key, nonce or associated data, or altered ciphertext.
        public static let authenticationFailed = Code("authenticationFailed")
        /// Decryption produced invalid padding or the ciphertext length is not a whole number of blocks.
        public static let decryptionFailed = Code("decryptionFailed")
        /// A key, IV or nonce has the wrong length for the algorithm.
        public static let invalidLength = Code("invalidLength")
        /// Certificate text or bytes could not be parsed.
        public static let malformedCertificate = Code("malformedCertificate")
        /// The certificate's validity period ended before the checked time.
        public static let certificateExpired = Code("certificateExpired")
        /// The certificate's validity period starts after the checked time.
        public static let certificateNotYetValid = Code("certificateNotYetValid")
        /// The certificate does not chain to the given trusted roots.
        public static let untrustedCertificate = Code("untrustedCertificate")
        /// Input that is not valid base64 or hex where one was required.
        public static let malformedEncoding = Code("malformedEncoding")
        /// The algorithm is not available in this OpenSSL build.
        public static let unsupportedAlgorithm = Code("unsupportedAlgorithm")
        /// OpenSSL failed in a way none of the other codes describes.
        public static let internalFailure = Code("internalFailure")
    }

    /// The failure kind.
    public let code: Code
    /// A human-readable explanation; never contains key material or plaintext.
    public let reason: String

    /// Makes an error with a code and a reason.
    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "CryptoError.\(code): \(reason)" }

    public static func == (lhs: CryptoError, rhs: CryptoError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
