import Foundation

/// Wall-clock text in Beijing time (UTC+8, no daylight saving), as the channels write it in
/// requests, bills and callbacks.
public enum BeijingTime {
    /// UTC+8.
    public static let timeZone = TimeZone(secondsFromGMT: 8 * 3600)!

    /// Parses `yyyy-MM-dd HH:mm:ss` (or `yyyyMMddHHmmss`); nil when the text is not such a time.
    /// Pure arithmetic (no calendar objects): statements hold millions of these.
    public static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { parse(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// Parses the same shapes from UTF-8 bytes (a statement field, without making a `String`).
    public static func parse(utf8 bytes: UnsafeRawBufferPointer) -> Date? {
        let dashed: Bool
        switch bytes.count {
        case 19: dashed = true
        case 14: dashed = false
        default: return nil
        }
        if dashed {
            guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: " "),
                bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":")
            else { return nil }
        }
        func number(_ offset: Int, _ count: Int) -> Int? {
            var value = 0
            for index in offset..<offset + count {
                let byte = bytes[index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0, 4), let month = number(dashed ? 5 : 4, 2), let day = number(dashed ? 8 : 6, 2),
            let hour = number(dashed ? 11 : 8, 2), let minute = number(dashed ? 14 : 10, 2), let second = number(dashed ? 17 : 12, 2),
            (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), hour < 24, minute < 60, second < 60
        else { return nil }
        let seconds = daysSinceEpoch(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second - 8 * 3600
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// `yyyy-MM-dd HH:mm:ss` in Beijing time (the second the instant falls in). Pure arithmetic, like
    /// `parse`: a `Calendar` per call was a tenth of a callback's handling where times are written.
    public static func format(_ date: Date) -> String { text(date, dateSeparator: UInt8(ascii: "-"), separator: UInt8(ascii: " "), timeSeparator: UInt8(ascii: ":"), suffix: "") }

    /// The time of `date` in Beijing written straight into a string: the date's parts joined by
    /// `dateSeparator`, then `separator`, the time's by `timeSeparator`, then `suffix` (a separator of
    /// 0 is left out).
    private static func text(_ date: Date, dateSeparator: UInt8, separator: UInt8, timeSeparator: UInt8, suffix: StaticString) -> String {
        let seconds = Int((date.timeIntervalSince1970 + 8 * 3600).rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let time = seconds - days * 86_400
        let (year, month, day) = civil(daysSinceEpoch: days)
        return String(unsafeUninitializedCapacity: 19 + suffix.utf8CodeUnitCount) { bytes in
            var count = 0
            func digits(_ value: Int, _ width: Int) {
                var rest = value
                for position in stride(from: count + width - 1, through: count, by: -1) {
                    bytes[position] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                }
                count += width
            }
            func put(_ byte: UInt8) {
                guard byte != 0 else { return }
                bytes[count] = byte
                count += 1
            }
            digits(year, 4)
            put(dateSeparator)
            digits(month, 2)
            put(dateSeparator)
            digits(day, 2)
            put(separator)
            digits(time / 3600, 2)
            put(timeSeparator)
            digits(time / 60 % 60, 2)
            put(timeSeparator)
            digits(time % 60, 2)
            for byte in UnsafeBufferPointer(start: suffix.utf8Start, count: suffix.utf8CodeUnitCount) { put(byte) }
            return count
        }
    }

    /// The proleptic Gregorian date `days` after 1970-01-01 (H. Hinnant's `civil_from_days`).
    static func civil(daysSinceEpoch days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

extension BeijingTime {
    /// The Beijing business day of `date`, `yyyy-MM-dd`.
    public static func day(_ date: Date) -> String { String(format(date).prefix(10)) }

    /// `yyyyMMddHHmmss` in Beijing time (WeChat Pay v2 `time_expire`, UnionPay `txnTime`).
    public static func compact(_ date: Date) -> String { text(date, dateSeparator: 0, separator: 0, timeSeparator: 0, suffix: "") }

    /// RFC 3339 in Beijing time (`2026-11-22T10:00:00+08:00`), as WeChat Pay v3 and HISPay's JSON write it.
    public static func iso8601(_ date: Date) -> String { text(date, dateSeparator: UInt8(ascii: "-"), separator: UInt8(ascii: "T"), timeSeparator: UInt8(ascii: ":"), suffix: "+08:00") }
}
