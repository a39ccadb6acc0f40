import Foundation

/// Standard base64 (RFC 4648 §4, with padding) as the channels use it for signatures and keys.
public enum Base64 {
    /// Base64 text of `bytes`.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString()
    }

    /// Bytes of base64 text; whitespace and line breaks (as in PEM bodies) are ignored.
    /// Throws ``CryptoError/Code/malformedEncoding`` when the text is not base64.
    public static func decode(_ text: String) throws -> [UInt8] {
        let compact = text.filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: compact) else {
            throw CryptoError(.malformedEncoding, "text is not valid base64 (\(compact.count) characters)")
        }
        return [UInt8](data)
    }
}
