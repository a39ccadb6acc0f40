import Foundation

/// `application/x-www-form-urlencoded` bodies (Alipay's and UnionPay's notifications), decoded once,
/// byte by byte: pairs split on `&`, a key from its value on the first `=`, `+` a space and `%XX` a
/// byte — so `%2B` is a plus and nothing is decoded twice. Foundation's `String` percent decoding
/// took four fifths of a UnionPay notification's handling.
package enum FormFields {
    /// Why a body was refused.
    package enum Problem: Swift.Error, Hashable, Sendable {
        /// The body, or a decoded key or value, is not UTF-8.
        case notUTF8
        /// The field (its raw key, at most 40 characters) has a `%` not followed by two hex digits.
        case brokenEscape(String)
        /// The key appears twice (when repeats are refused).
        case repeated(String)
    }

    /// The fields of `body`. With `trimming`, ASCII whitespace around the whole body is ignored; with
    /// `rejectingRepeats`, a repeated key is refused, else the last one counts. Empty pairs (`&&`) are
    /// skipped.
    package static func decode(_ body: Data, trimming: Bool = false, rejectingRepeats: Bool = true) throws(Problem) -> [String: String] {
        try body.withUnsafeBytes(typed: { raw throws(Problem) in
            try decode(raw.assumingMemoryBound(to: UInt8.self), trimming: trimming, rejectingRepeats: rejectingRepeats)
        })
    }

    private static func decode(_ bytes: UnsafeBufferPointer<UInt8>, trimming: Bool, rejectingRepeats: Bool) throws(Problem) -> [String: String] {
        // A form body is nearly always ASCII (its values percent-encoded): then it is UTF-8 without
        // building a string to find out.
        guard ByteFields.isASCII(UnsafeRawBufferPointer(bytes)) || String(validating: bytes, as: UTF8.self) != nil else { throw .notUTF8 }
        var start = 0
        var end = bytes.count
        if trimming {
            while start < end, isSpace(bytes[start]) { start += 1 }
            while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        }
        func first(_ byte: UInt8, in range: Range<Int>) -> Int? {
            guard !range.isEmpty, let base = bytes.baseAddress, let hit = memchr(base + range.lowerBound, Int32(byte), range.count) else { return nil }
            return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        }
        var fields = [String: String](minimumCapacity: 32)  // a notification's fields without growing
        var pairStart = start
        while pairStart < end {
            let pairEnd = first(UInt8(ascii: "&"), in: pairStart..<end) ?? end
            if pairEnd > pairStart {
                let equals = first(UInt8(ascii: "="), in: pairStart..<pairEnd) ?? pairEnd
                let raw = UnsafeBufferPointer(rebasing: bytes[pairStart..<equals])
                guard let key = percentDecode(raw), let value = percentDecode(UnsafeBufferPointer(rebasing: bytes[min(equals + 1, pairEnd)..<pairEnd])) else {
                    throw .brokenEscape(String(decoding: raw.prefix(40), as: UTF8.self))
                }
                if fields.updateValue(value, forKey: key) != nil, rejectingRepeats { throw .repeated(key) }
            }
            pairStart = pairEnd + 1
        }
        return fields
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

    /// The field's text with `+` and `%XX` decoded, or nil for a broken escape or text that is not
    /// UTF-8. Walks raw bytes: a UnionPay notification carries its 2 KB certificate escaped, and
    /// decoding it through checked slice indexing was a sixth of handling the notification.
    private static func percentDecode(_ input: UnsafeBufferPointer<UInt8>) -> String? {
        guard input.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) else {
            return String(decoding: input, as: UTF8.self)  // the body was validated as UTF-8
        }
        var broken = false
        let bytes = [UInt8](unsafeUninitializedCapacity: input.count) { output, written in
            var index = 0
            while index < input.count {
                if index + 8 <= input.count, let from = input.baseAddress, let to = output.baseAddress {
                    // eight bytes with no escape and no plus are copied as they are
                    let word = UnsafeRawPointer(from + index).loadUnaligned(as: UInt64.self)
                    if !ByteFields.word(word, contains: UInt8(ascii: "%")), !ByteFields.word(word, contains: UInt8(ascii: "+")) {
                        UnsafeMutableRawPointer(to + written).storeBytes(of: word, as: UInt64.self)
                        index += 8
                        written += 8
                        continue
                    }
                }
                let byte = input[index]
                if byte == UInt8(ascii: "%") {
                    guard index + 2 < input.count, let high = ByteFields.hexDigit(input[index + 1]), let low = ByteFields.hexDigit(input[index + 2]) else {
                        broken = true
                        break
                    }
                    output[written] = high << 4 | low
                    index += 3
                } else {
                    output[written] = byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte
                    index += 1
                }
                written += 1
            }
        }
        return broken ? nil : bytes.withUnsafeBytes(ByteFields.text)
    }
}
