/// Hexadecimal text ↔ bytes, as channels use it for digests, keys and signatures.
package enum Hex {
    /// Lower-case (default) or upper-case hex of `bytes`.
    package static func encode(_ bytes: some Sequence<UInt8>, uppercase: Bool = false) -> String {
        if let text = bytes.withContiguousStorageIfAvailable({ encode(buffer: $0, uppercase: uppercase) }) { return text }
        return Array(bytes).withUnsafeBufferPointer { encode(buffer: $0, uppercase: uppercase) }
    }

    /// Written straight into the string's storage (building a digit table and a byte array per call
    /// was a fortieth of handling a UnionPay notification).
    private static func encode(buffer: UnsafeBufferPointer<UInt8>, uppercase: Bool) -> String {
        let digits: StaticString = uppercase ? "0123456789ABCDEF" : "0123456789abcdef"
        return String(unsafeUninitializedCapacity: buffer.count * 2) { out in
            let table = digits.utf8Start
            for (index, byte) in buffer.enumerated() {
                out[2 * index] = table[Int(byte >> 4)]
                out[2 * index + 1] = table[Int(byte & 0x0F)]
            }
            return buffer.count * 2
        }
    }

    /// Bytes of hex text (either case). Throws ``CryptoError/Code/malformedEncoding`` on odd length
    /// or a non-hex character.
    package static func decode(_ text: String) throws -> [UInt8] {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else {
            throw CryptoError(.malformedEncoding, "hex text has an odd number of digits (\(chars.count))")
        }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 2)
        var index = 0
        while index < chars.count {
            guard let high = value(chars[index]), let low = value(chars[index + 1]) else {
                throw CryptoError(.malformedEncoding, "hex text has a non-hex character at offset \(index)")
            }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    private static func value(_ char: UInt8) -> UInt8? {
        switch char {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): char - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): char - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): char - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
