import Foundation

/// Fields of a delimited line, found on its bytes without decoding it — and the byte-level tests the
/// parsers share (form bodies, exact JSON, GBK lines): ASCII, text, hex digits.
package enum ByteFields {
    /// Splits `bytes` at every `separator` (no quoting) into `bounds`, reused from line to line so a
    /// file's rows allocate nothing; an empty line is one empty field. A plain loop: fields are a few
    /// bytes, and `memchr` per field cost more than it saved.
    package static func split(_ bytes: UnsafeRawBufferPointer, at separator: UInt8, into bounds: inout [Range<Int>]) {
        bounds.removeAll(keepingCapacity: true)
        var start = 0
        for index in 0..<bytes.count where bytes[index] == separator {
            bounds.append(start..<index)
            start = index + 1
        }
        bounds.append(start..<bytes.count)
    }

    /// `field` without leading and trailing ASCII spaces and tabs.
    package static func trimmed(_ field: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var field = field
        while let first = field.first, first == 0x20 || first == 0x09 { field = UnsafeRawBufferPointer(rebasing: field.dropFirst()) }
        while let last = field.last, last == 0x20 || last == 0x09 { field = UnsafeRawBufferPointer(rebasing: field.dropLast()) }
        return field
    }

    // Eight bytes at a time: byte-by-byte, the ASCII check and the escape search were a third and half
    // of decoding a UnionPay notification (its certificate is 1.2 KB of mostly unescaped base64).
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// Whether every byte is below 0x80.
    package static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        var index = 0
        var seen: UInt64 = 0
        while index + 8 <= bytes.count {
            seen |= (base + index).loadUnaligned(as: UInt64.self)
            index += 8
        }
        while index < bytes.count {
            seen |= UInt64(bytes[index])
            index += 1
        }
        return seen & highBits == 0
    }

    /// Whether any of the eight bytes of `word` is `byte` (the zero-byte test on `word ^ byte…byte`).
    package static func word(_ word: UInt64, contains byte: UInt8) -> Bool {
        let difference = word ^ (ones &* UInt64(byte))
        return (difference &- ones) & ~difference & highBits != 0
    }

    /// The text of UTF-8 `bytes`, or nil when they are not UTF-8. ASCII needs no validation; the rest
    /// is validated as a typed buffer (the generic path looked up type metadata for every string).
    package static func text(_ bytes: UnsafeRawBufferPointer) -> String? {
        if isASCII(bytes) { return String(decoding: bytes, as: UTF8.self) }
        return String(validating: bytes.assumingMemoryBound(to: UInt8.self), as: UTF8.self)
    }

    /// The value of a hexadecimal digit (either case), or nil.
    package static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
