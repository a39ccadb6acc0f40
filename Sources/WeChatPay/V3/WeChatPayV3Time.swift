import Foundation

/// APIv3 times: RFC 3339 with offset, e.g. `2026-11-22T10:00:00+08:00`.
enum WeChatPayV3Time {
    static func parse(_ text: String) -> Date? { try? Date(text, strategy: .iso8601) }
}
