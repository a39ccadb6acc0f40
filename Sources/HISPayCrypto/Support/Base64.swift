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
        // Most texts (signatures, ciphertexts) hold none and are decoded as they are: filtering every
        // byte was three quarters of decoding a WeChat Pay signature.
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
        // Looked for in the text's contiguous UTF-8 (through `String.UTF8View` it was a tenth of
        // handling a WeChat Pay notification).
        var contiguous = text
        let hasSpace = contiguous.withUTF8 { $0.contains(where: isSpace) }
        let decoded = hasSpace ? Data(base64Encoded: Data(text.utf8.filter { !isSpace($0) })) : Data(base64Encoded: text)
        guard let decoded else {
            throw CryptoError(.malformedEncoding, "text is not valid base64 (\(text.utf8.count) characters)")
        }
        return [UInt8](decoded)
    }
}
