import Foundation
import HISPay

/// Times as the CLI prints them: ISO 8601 in Beijing time, e.g. `2026-11-22T09:59:30+08:00`.
enum CLITime {
    static func beijing(_ date: Date) -> String {
        BeijingTime.format(date).replacingOccurrences(of: " ", with: "T") + "+08:00"
    }

    /// `--now` or the wall clock.
    static func now(_ option: String?) throws -> Date {
        guard let option else { return Date() }
        guard let parsed = try? Date(option, strategy: .iso8601) else { throw CLIError("--now \(option) is not an ISO 8601 time") }
        return parsed
    }
}
