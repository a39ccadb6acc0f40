/// The few DER encodings the crypto layer builds or reads itself: SEC1/SPKI wrappers for raw SM2
/// keys and the `SEQUENCE { INTEGER r, INTEGER s }` of SM2 signatures.
enum DER {
    static func length(_ count: Int) -> [UInt8] {
        if count < 0x80 { return [UInt8(count)] }
        var bytes: [UInt8] = []
        var value = count
        while value > 0 {
            bytes.insert(UInt8(value & 0xFF), at: 0)
            value >>= 8
        }
        return [0x80 | UInt8(bytes.count)] + bytes
    }

    static func element(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        [tag] + length(content.count) + content
    }

    static func sequence(_ content: [UInt8]) -> [UInt8] { element(0x30, content) }
    static func octetString(_ content: [UInt8]) -> [UInt8] { element(0x04, content) }
    static func bitString(_ content: [UInt8]) -> [UInt8] { element(0x03, [0] + content) }
    static func objectIdentifier(_ encoded: [UInt8]) -> [UInt8] { element(0x06, encoded) }
    static func contextSpecific(_ number: UInt8, _ content: [UInt8]) -> [UInt8] { element(0xA0 | number, content) }

    /// A non-negative INTEGER from big-endian magnitude bytes (leading zeros trimmed, sign byte added).
    static func integer(_ magnitude: [UInt8]) -> [UInt8] {
        var bytes = Array(magnitude.drop(while: { $0 == 0 }))
        if bytes.isEmpty { bytes = [0] }
        if bytes[0] & 0x80 != 0 { bytes.insert(0, at: 0) }
        return element(0x02, bytes)
    }

    /// Reads one element with `tag` at `offset`; returns its content and the offset after it.
    static func read(_ tag: UInt8, in bytes: [UInt8], at offset: Int) -> (content: ArraySlice<UInt8>, end: Int)? {
        guard offset + 2 <= bytes.count, bytes[offset] == tag else { return nil }
        var cursor = offset + 1
        var count = Int(bytes[cursor])
        cursor += 1
        if count & 0x80 != 0 {
            let octets = count & 0x7F
            guard octets >= 1, octets <= 2, cursor + octets <= bytes.count else { return nil }
            count = 0
            for _ in 0..<octets {
                count = count << 8 | Int(bytes[cursor])
                cursor += 1
            }
        }
        guard cursor + count <= bytes.count else { return nil }
        return (bytes[cursor..<(cursor + count)], cursor + count)
    }
}
