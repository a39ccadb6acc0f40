import Foundation

/// Wall-clock text in Beijing time (UTC+8, no daylight saving), as the channels write it in
/// requests, bills and callbacks.
public enum BeijingTime {
    /// UTC+8.
    public static let timeZone = TimeZone(secondsFromGMT: 8 * 3600)!

    /// Parses `yyyy-MM-dd HH:mm:ss` (or `yyyyMMddHHmmss`); nil when the text is not such a time.
    public static func parse(_ text: String) -> Date? {
        let digits = text.filter(\.isNumber)
        let expectedShape = text.count == 19 ? "dddd-dd-dd dd:dd:dd" : "dddddddddddddd"
        guard digits.count == 14, text.count == expectedShape.count,
            zip(text, expectedShape).allSatisfy({ $1 == "d" ? $0.isASCII && $0.isNumber : $0 == $1 })
        else { return nil }
        let value = Array(digits).map { Int(String($0))! }
        func number(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + value[$1] } }
        var components = DateComponents()
        components.calendar = Calendar(identifier: .gregorian)
        components.timeZone = timeZone
        (components.year, components.month, components.day) = (number(0..<4), number(4..<6), number(6..<8))
        (components.hour, components.minute, components.second) = (number(8..<10), number(10..<12), number(12..<14))
        guard components.isValidDate, let date = components.date else { return nil }
        return date
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
