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

    /// `yyyy-MM-dd HH:mm:ss` in Beijing time.
    public static func format(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { value.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "\(c.year ?? 0)-\(two(c.month))-\(two(c.day)) \(two(c.hour)):\(two(c.minute)):\(two(c.second))"
    }
}

extension BeijingTime {
    /// `yyyyMMddHHmmss` in Beijing time (WeChat Pay v2 `time_expire`, UnionPay `txnTime`).
    public static func compact(_ date: Date) -> String {
        format(date).filter(\.isNumber)
    }

    /// RFC 3339 in Beijing time (`2026-11-22T10:00:00+08:00`), as WeChat Pay v3 and HISPay's JSON write it.
    public static func iso8601(_ date: Date) -> String {
        format(date).replacingOccurrences(of: " ", with: "T") + "+08:00"
    }
}
