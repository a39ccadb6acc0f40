import Foundation
import HISPayCore

/// APIv3 times: RFC 3339 with offset, e.g. `2026-11-22T10:00:00+08:00`.
enum WeChatPayV3Time {
    static func parse(_ text: String) -> Date? { try? Date(text, strategy: .iso8601) }
}

extension WeChatPayV3Time {
    /// RFC 3339 in Beijing time, as `time_expire` wants it: `2026-11-22T10:30:00+08:00`.
    static func format(_ date: Date) -> String { BeijingTime.iso8601(date) }
}
