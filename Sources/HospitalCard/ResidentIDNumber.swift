/// A mainland resident ID number (居民身份证号码, GB 11643-1999): 17 digits — area, birth date,
/// sequence — and an ISO 7064 MOD 11-2 check character (`0`–`9` or `X`). Only its masked form is
/// kept or shown: the area and the last four characters, the birth date and sequence starred.
public struct ResidentIDNumber: Sendable {
    /// `440106********123X`: what the ledger stores and every answer shows.
    public let masked: String

    /// Validates `text` (a lower-case `x` is taken as `X`); throws ``CardError/Code/invalidIDNumber``
    /// saying what is wrong, never echoing the number.
    public init(_ text: String) throws(CardError) {
        let characters = Array(text.uppercased())
        guard characters.count == 18 else {
            throw CardError(.invalidIDNumber, "a resident ID number has 18 characters, not \(characters.count)")
        }
        let digits = characters.prefix(17).compactMap(\.wholeNumberValue)
        guard digits.count == 17, characters.prefix(17).allSatisfy(\.isASCII) else {
            throw CardError(.invalidIDNumber, "the first 17 characters of a resident ID number are digits")
        }
        guard Self.isDate(Array(digits[6..<14])) else { throw CardError(.invalidIDNumber, "the resident ID number's birth date is not a date") }
        guard characters[17] == Self.checkCharacter(digits) else {
            throw CardError(.invalidIDNumber, "the resident ID number's check character does not match (mistyped?)")
        }
        masked = String(characters.prefix(6)) + String(repeating: "*", count: 8) + String(characters.suffix(4))
    }

    /// The MOD 11-2 check character of the first 17 digits: weights 2^(17-i) mod 11.
    static func checkCharacter(_ digits: [Int]) -> Character {
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 }
        return Array("10X98765432")[sum % 11]
    }

    /// Whether `yyyyMMdd` digits are a day of the Gregorian calendar from 1900 on.
    private static func isDate(_ digits: [Int]) -> Bool {
        let year = digits[0..<4].reduce(0) { $0 * 10 + $1 }, month = digits[4] * 10 + digits[5], day = digits[6] * 10 + digits[7]
        guard year >= 1900, (1...12).contains(month), day >= 1 else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= days[month - 1]
    }
}
