/// Chinese resident identity card numbers (GB 11643: 17 digits and a check character, `0`–`9` or
/// `X`), found in text so they can be masked before it is shown: a patient's full ID number never
/// reaches a log line or an output. Only numbers whose check character is right are masked, so an
/// 18-digit order number is left alone.
package enum ResidentIDNumber {
    /// Whether `text` is an ID number with a valid check character.
    package static func isValid(_ text: some StringProtocol) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 18, bytes.prefix(17).allSatisfy(isDigit) else { return false }
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(bytes.prefix(17), weights).reduce(0) { $0 + Int($1.0 - UInt8(ascii: "0")) * $1.1 }
        let check = Array("10X98765432".utf8)[sum % 11]
        return bytes[17] == check || (check == UInt8(ascii: "X") && bytes[17] == UInt8(ascii: "x"))
    }

    /// `text` with every valid ID number in it masked to its first six and last four characters
    /// (`440106********123X`): the region and the tail a clerk asks for, not the birth date.
    package static func masked(in text: String) -> String {
        var bytes = Array(text.utf8)
        var start = 0
        while start + 18 <= bytes.count {
            let candidate = bytes[start..<start + 18]
            let bounded = (start == 0 || !isAlphanumeric(bytes[start - 1])) && (start + 18 == bytes.count || !isAlphanumeric(bytes[start + 18]))
            if bounded, isValid(String(decoding: candidate, as: UTF8.self)) {
                for index in start + 6..<start + 14 { bytes[index] = UInt8(ascii: "*") }
                start += 18
            } else {
                start += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
    }
}
