import Foundation

/// Wall-clock text in Beijing time (UTC+8, no daylight saving), as the channels write it in
/// requests, bills and callbacks.
public enum BeijingTime {
    /// UTC+8.
    public static let timeZone = TimeZone(secondsFromGMT: 8 * 3600)!

    /// Parses `yyyy-MM-dd HH:mm:ss` (or `yyyyMMddHHmmss`); nil when the text is not such a time.
    /// Pure arithmetic (no calendar objects): statements hold millions of these.
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        let shape: [UInt8]
        switch bytes.count {
        case 19: shape = Array("dddd-dd-dd dd:dd:dd".utf8)
        case 14: shape = Array("dddddddddddddd".utf8)
        default: return nil
        }
        var digits: [Int] = []
        digits.reserveCapacity(14)
        for (byte, expected) in zip(bytes, shape) {
            if expected == UInt8(ascii: "d") {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                digits.append(Int(byte - UInt8(ascii: "0")))
            } else if byte != expected {
                return nil
            }
        }
        func number(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + digits[$1] } }
        let (year, month, day) = (number(0..<4), number(4..<6), number(6..<8))
        let (hour, minute, second) = (number(8..<10), number(10..<12), number(12..<14))
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...12).contains(month), (1...monthDays[month - 1]).contains(day), hour < 24, minute < 60, second < 60 else { return nil }
        let seconds = daysSinceEpoch(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second - 8 * 3600
        return Date(timeIntervalSince1970: TimeInterval(seconds))
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
