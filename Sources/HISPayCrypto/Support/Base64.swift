import Foundation

/// Standard base64 (RFC 4648 §4, with padding) as the channels use it for signatures and keys.
package enum Base64 {
    /// Base64 text of `bytes`.
    package static func encode(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString()
    }

    /// Bytes of base64 text; whitespace and line breaks (as in PEM bodies) are ignored.
    /// Throws ``CryptoError/Code/malformedEncoding`` when the text is not base64.
    package static func decode(_ text: String) throws -> [UInt8] {
        // Base64 is ASCII: drop ASCII whitespace by byte (filtering Characters was most of the cost
        // of decoding a signature); any other byte is left for the decoder to refuse.
        let bytes = text.utf8.filter { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 && $0 != 0x0B && $0 != 0x0C }
        guard let data = Data(base64Encoded: Data(bytes)) else {
            throw CryptoError(.malformedEncoding, "text is not valid base64 (\(bytes.count) characters)")
        }
        return [UInt8](data)
    }
}
