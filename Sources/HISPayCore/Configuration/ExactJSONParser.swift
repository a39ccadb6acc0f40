/// A small JSON parser that keeps every number's text exactly as written (`123.40` stays `123.40`),
/// which signatures over canonicalised JSON need; `JSONDecoder` would normalise it to `123.4`.
///
/// It reads the bytes in place: a string without escapes becomes a `String` straight from its bytes,
/// and whitespace and literals are recognised without building anything. (Copying the input into an
/// array and every string byte by byte into another made a 700-byte WeChat Pay notification cost
/// 6 µs — as much as `JSONDecoder`.)
struct ExactJSONParser {
    private let bytes: UnsafeRawBufferPointer
    private var index = 0
    private var depth = 0

    private init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// The value `bytes` hold, or nil when they are not one JSON value.
    static func parse(_ bytes: UnsafeRawBufferPointer) -> ConfigValue? {
        var parser = ExactJSONParser(bytes)
        guard let value = parser.value() else { return nil }
        parser.skipSpace()
        return parser.index == bytes.count ? value : nil
    }

    /// Where in `bytes` reading stops being JSON — the offset of the byte that does not fit, or the
    /// end when the text stops short; nil when `bytes` hold one JSON value.
    static func failureOffset(_ bytes: UnsafeRawBufferPointer) -> Int? {
        var parser = ExactJSONParser(bytes)
        guard parser.value() != nil else { return min(parser.index, bytes.count) }
        parser.skipSpace()
        return parser.index == bytes.count ? nil : parser.index
    }

    private mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func value() -> ConfigValue? {
        skipSpace()
        guard index < bytes.count, depth < 256 else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "{"): return object()
        case UInt8(ascii: "["): return array()
        case UInt8(ascii: "\""): return string().map(ConfigValue.string)
        case UInt8(ascii: "t"): return literal("true", .bool(true))
        case UInt8(ascii: "f"): return literal("false", .bool(false))
        case UInt8(ascii: "n"): return literal("null", .null)
        default: return number()
        }
    }

    private mutating func literal(_ word: StaticString, _ result: ConfigValue) -> ConfigValue? {
        let expected = UnsafeRawBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard bytes.count - index >= expected.count, bytes[index..<(index + expected.count)].elementsEqual(expected) else { return nil }
        index += expected.count
        return result
    }

    private mutating func number() -> ConfigValue? {
        let start = index
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        var sawDigit = false
        loop: while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): sawDigit = true
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): break
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                // a sign only right after the exponent's e
                guard index > start, bytes[index - 1] | 0x20 == UInt8(ascii: "e") else { break loop }
            default: break loop
            }
            index += 1
        }
        guard sawDigit else { return nil }
        return .number(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
    }

    /// The string starting at the quote at `index`. Without escapes its bytes are taken as they are;
    /// with them, it is decoded into a buffer.
    private mutating func string() -> String? {
        index += 1
        let start = index
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                index += 1
                return ByteFields.text(UnsafeRawBufferPointer(rebasing: bytes[start..<(index - 1)]))
            case UInt8(ascii: "\\"):
                return escapedString(from: start)
            case 0x00..<0x20:
                return nil
            default:
                index += 1
            }
        }
        return nil
    }

    /// The rest of a string that has escapes; `start` is its first byte, `index` its first backslash.
    private mutating func escapedString(from start: Int) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(index - start + 16)
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            // the run up to the next quote, backslash or control byte, in one copy
            let run = index
            while index < bytes.count, bytes[index] >= 0x20, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") { index += 1 }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[run..<index]))
            guard index < bytes.count else { return nil }
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""): return out.withUnsafeBytes(ByteFields.text)
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { return nil }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "u"):
                    guard let unit = hex4() else { return nil }
                    var scalarValue = UInt32(unit)
                    if (0xD800..<0xDC00).contains(unit), bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                        index += 2
                        guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                        scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(scalarValue) else { return nil }
                    out.append(contentsOf: UTF8.encode(scalar)!)
                default: out.append(escape)
                }
            default:
                return nil  // a control byte
            }
        }
        return nil
    }

    private mutating func hex4() -> UInt16? {
        guard bytes.count - index >= 4 else { return nil }
        var value: UInt16 = 0
        for byte in bytes[index..<(index + 4)] {
            guard let digit = ByteFields.hexDigit(byte) else { return nil }
            value = value << 4 | UInt16(digit)
        }
        index += 4
        return value
    }

    private mutating func array() -> ConfigValue? {
        index += 1
        depth += 1
        defer { depth -= 1 }
        var items: [ConfigValue] = []
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(items)
        }
        while true {
            guard let item = value() else { return nil }
            items.append(item)
            skipSpace()
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
            return nil
        }
    }

    private mutating func object() -> ConfigValue? {
        index += 1
        depth += 1
        defer { depth -= 1 }
        var entries: [String: ConfigValue] = [:]
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(entries)
        }
        while true {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let key = string() else { return nil }
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            guard let item = value() else { return nil }
            entries[key] = item
            skipSpace()
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(entries) }
            return nil
        }
    }
}
