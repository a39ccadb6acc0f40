import CHISPayOpenSSL

/// A block cipher in ECB or CBC mode with PKCS#7 padding (or none): SM4 for the NHSA envelope and
/// UnionPay SM fields, AES-256-ECB for WeChat Pay v2 refund notices, AES-128-CBC for Alipay content
/// encryption.
public struct BlockCipher: Sendable {
    /// Cipher and mode.
    public struct Algorithm: Hashable, Sendable, CustomStringConvertible {
        let name: String
        let keyLength: Int
        let usesIV: Bool
        public var description: String { name }

        public static let sm4ECB = Algorithm(name: "SM4-ECB", keyLength: 16, usesIV: false)
        public static let sm4CBC = Algorithm(name: "SM4-CBC", keyLength: 16, usesIV: true)
        public static let aes128ECB = Algorithm(name: "AES-128-ECB", keyLength: 16, usesIV: false)
        public static let aes128CBC = Algorithm(name: "AES-128-CBC", keyLength: 16, usesIV: true)
        public static let aes256ECB = Algorithm(name: "AES-256-ECB", keyLength: 32, usesIV: false)
        public static let aes256CBC = Algorithm(name: "AES-256-CBC", keyLength: 32, usesIV: true)
    }

    /// Block padding.
    public enum Padding: Sendable {
        /// PKCS#7 (PKCS#5 for 8-byte blocks): always adds 1…16 bytes.
        case pkcs7
        /// None: input must be a whole number of 16-byte blocks.
        case none
    }

    public let algorithm: Algorithm
    public let padding: Padding
    private let key: [UInt8]

    /// A cipher with `key`, which must have the algorithm's key length.
    public init(_ algorithm: Algorithm, key: [UInt8], padding: Padding = .pkcs7) throws {
        guard key.count == algorithm.keyLength else {
            throw CryptoError(.invalidLength, "\(algorithm) needs a \(algorithm.keyLength)-byte key, not \(key.count)")
        }
        self.algorithm = algorithm
        self.key = key
        self.padding = padding
    }

    /// Encrypts `plaintext`; CBC needs a 16-byte `iv`.
    public func encrypt(_ plaintext: [UInt8], iv: [UInt8]? = nil) throws -> [UInt8] {
        try run(plaintext, iv: iv, encrypting: true)
    }

    /// Decrypts `ciphertext`; CBC needs the 16-byte `iv` used to encrypt.
    public func decrypt(_ ciphertext: [UInt8], iv: [UInt8]? = nil) throws -> [UInt8] {
        try run(ciphertext, iv: iv, encrypting: false)
    }

    private func run(_ input: [UInt8], iv: [UInt8]?, encrypting: Bool) throws -> [UInt8] {
        if algorithm.usesIV {
            guard let iv, iv.count == 16 else {
                throw CryptoError(.invalidLength, "\(algorithm) needs a 16-byte IV, got \(iv?.count ?? 0)")
            }
        }
        if padding == .none || !encrypting, input.count % 16 != 0 {
            throw CryptoError(
                encrypting ? .invalidLength : .decryptionFailed,
                "\(algorithm) input of \(input.count) bytes is not a whole number of 16-byte blocks")
        }
        OpenSSLErrors.clear()
        defer { ERR_clear_error() }
        guard let cipher = FetchedAlgorithms.cipher(algorithm.name) else {
            throw OpenSSLErrors.error(.unsupportedAlgorithm, "\(algorithm) is not available in this OpenSSL")
        }
        guard let ctx = EVP_CIPHER_CTX_new() else { throw OpenSSLErrors.error(.internalFailure, "no cipher context") }
        defer { EVP_CIPHER_CTX_free(ctx) }
        let ivBytes = algorithm.usesIV ? iv : nil
        guard EVP_CipherInit_ex2(ctx, cipher, key, ivBytes, encrypting ? 1 : 0, nil) == 1,
            EVP_CIPHER_CTX_set_padding(ctx, padding == .pkcs7 ? 1 : 0) == 1
        else { throw OpenSSLErrors.error(.internalFailure, "\(algorithm) could not start") }
        var out = [UInt8](repeating: 0, count: input.count + 16)
        var written: Int32 = 0
        var final: Int32 = 0
        guard EVP_CipherUpdate(ctx, &out, &written, input, Int32(input.count)) == 1 else {
            throw OpenSSLErrors.error(.internalFailure, "\(algorithm) failed")
        }
        let ok = out.withUnsafeMutableBufferPointer { EVP_CipherFinal_ex(ctx, $0.baseAddress! + Int(written), &final) }
        guard ok == 1 else {
            throw OpenSSLErrors.error(.decryptionFailed, "\(algorithm) padding is invalid (wrong key or corrupted data)")
        }
        return Array(out.prefix(Int(written + final)))
    }
}
