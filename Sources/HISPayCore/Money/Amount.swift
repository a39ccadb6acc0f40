/// An amount of Chinese yuan held exactly as Int64 fen (1 yuan = 100 fen). No floating point is
/// ever involved: amounts are parsed from and formatted to each channel's exact text.
///
/// - Alipay and NHSA send yuan text with up to two decimals (`"0.10"`, `"12"`): ``init(yuan:allowNegative:)``
///   and ``yuanString``.
/// - WeChat Pay and UnionPay send integer fen (`1230`, `"1230"`): ``init(fen:)``,
///   ``init(fenText:allowNegative:)`` and ``fenString``.
public struct Amount: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The amount in fen.
    public let fen: Int64

    /// Zero yuan.
    public static let zero = Amount(fen: 0)

    /// An amount of `fen` fen.
    public init(fen: Int64) {
        self.fen = fen
    }

    /// Parses yuan text: optional `-` (only when `allowNegative`), ASCII digits, optionally `.` and
    /// one or two decimals (further decimals only if they are zeros). Rejects `+`, spaces, exponents,
    /// grouping and more than two significant decimals with an ``AmountError``.
    public init(yuan text: String, allowNegative: Bool = false) throws(AmountError) {
        // One pass over the bytes, no allocation: statements parse millions of these.
        let (negative, digits) = try Amount.sign(of: text, allowNegative: allowNegative)
        let utf8 = digits.utf8
        let point = utf8.firstIndex(of: UInt8(ascii: "."))
        let whole = utf8[..<(point ?? utf8.endIndex)]
        let fraction = point.map { utf8[utf8.index(after: $0)...] } ?? utf8[utf8.endIndex...]
        guard !whole.isEmpty else { throw AmountError(text.isEmpty ? .empty : .notANumber, text) }
        guard Amount.isDigits(whole), Amount.isDigits(fraction), point == nil || !fraction.isEmpty else {
            throw AmountError(.notANumber, text)
        }
        guard fraction.dropFirst(2).allSatisfy({ $0 == UInt8(ascii: "0") }) else { throw AmountError(.tooPrecise, text) }
        var value: Int64 = 0
        func append(_ byte: UInt8) throws(AmountError) {
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (next, overflowB) = shifted.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
            guard !overflowA, !overflowB else { throw AmountError(.overflow, text) }
            value = next
        }
        for byte in whole { try append(byte) }
        var decimals = 0
        for byte in fraction.prefix(2) {
            try append(byte)
            decimals += 1
        }
        for _ in decimals..<2 { try append(UInt8(ascii: "0")) }
        fen = negative ? -value : value
    }

    /// Parses yuan text from UTF-8 bytes exactly as ``init(yuan:allowNegative:)`` does. The common
    /// shape (`-`, up to 15 digits, `.` and decimals of which only two may be non-zero) is read in
    /// place; anything else goes through the `String` initializer, for its verdict and message.
    package init(yuan bytes: UnsafeRawBufferPointer, allowNegative: Bool = false) throws(AmountError) {
        var index = 0
        let negative = allowNegative && bytes.first == UInt8(ascii: "-")
        if negative { index = 1 }
        var value: Int64 = 0
        var whole = 0
        while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 {
            value = value &* 10 &+ Int64(bytes[index] &- UInt8(ascii: "0"))
            whole += 1
            index += 1
        }
        var decimals = 0
        var regular = whole > 0 && whole <= 15
        if regular, index < bytes.count {
            regular = bytes[index] == UInt8(ascii: ".") && index + 1 < bytes.count
            index += 1
            while regular, index < bytes.count {
                let digit = bytes[index] &- UInt8(ascii: "0")
                if digit >= 10 || (decimals >= 2 && digit != 0) { regular = false }
                if decimals < 2 { value = value &* 10 &+ Int64(digit) }
                decimals += 1
                index += 1
            }
        }
        guard regular else {
            try self.init(yuan: String(decoding: bytes, as: UTF8.self), allowNegative: allowNegative)
            return
        }
        for _ in min(decimals, 2)..<2 { value &*= 10 }
        self.init(fen: negative ? -value : value)
    }

    /// Parses integer fen text (`"1230"`), as UnionPay's `txnAmt` and WeChat bills' cent columns carry it.
    public init(fenText text: String, allowNegative: Bool = false) throws(AmountError) {
        let (negative, digits) = try Amount.sign(of: text, allowNegative: allowNegative)
        guard !digits.isEmpty else { throw AmountError(text.isEmpty ? .empty : .notANumber, text) }
        guard Amount.isDigits(digits) else { throw AmountError(.notANumber, text) }
        guard let value = Int64(digits) else { throw AmountError(.overflow, text) }
        fen = negative ? -value : value
    }

    /// Yuan text with exactly two decimals: `"12.30"`, `"0.01"`, `"-3.50"`.
    public var yuanString: String {
        let magnitude = fen.magnitude
        let cents = magnitude % 100
        return "\(fen < 0 ? "-" : "")\(magnitude / 100).\(cents < 10 ? "0" : "")\(cents)"
    }

    /// Integer fen text: `"1230"`.
    public var fenString: String { String(fen) }

    /// `"¥12.30"`.
    public var description: String { "¥\(yuanString)" }

    /// Whether the amount is below zero.
    public var isNegative: Bool { fen < 0 }

    /// The sum, or ``AmountError/Code/overflow``.
    public func adding(_ other: Amount) throws(AmountError) -> Amount {
        let (sum, overflow) = fen.addingReportingOverflow(other.fen)
        guard !overflow else { throw AmountError(.overflow, "\(self) + \(other)") }
        return Amount(fen: sum)
    }

    /// The difference, or ``AmountError/Code/overflow``.
    public func subtracting(_ other: Amount) throws(AmountError) -> Amount {
        let (difference, overflow) = fen.subtractingReportingOverflow(other.fen)
        guard !overflow else { throw AmountError(.overflow, "\(self) - \(other)") }
        return Amount(fen: difference)
    }

    /// The total of `amounts`, or ``AmountError/Code/overflow``.
    public static func sum(_ amounts: some Sequence<Amount>) throws(AmountError) -> Amount {
        var total = Amount.zero
        for amount in amounts { total = try total.adding(amount) }
        return total
    }

    public static func < (lhs: Amount, rhs: Amount) -> Bool { lhs.fen < rhs.fen }

    /// Encodes as the integer number of fen.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(fen)
    }

    /// Decodes from an integer number of fen.
    public init(from decoder: any Decoder) throws {
        fen = try decoder.singleValueContainer().decode(Int64.self)
    }

    /// Splits a leading `-` off `text`, refusing it unless `allowNegative`.
    private static func sign(of text: String, allowNegative: Bool) throws(AmountError) -> (negative: Bool, digits: Substring) {
        guard text.first == "-" else { return (false, Substring(text)) }
        guard allowNegative else { throw AmountError(.negative, text) }
        return (true, Substring(text).dropFirst())
    }

    private static func isDigits(_ text: Substring) -> Bool { isDigits(text.utf8) }

    private static func isDigits(_ bytes: some Sequence<UInt8>) -> Bool {
        bytes.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
