import Foundation
import HISPay

/// The CLI's `--now` option (times are printed with `BeijingTime.iso8601`).
enum CLITime {
    /// `--now` or the wall clock.
    static func now(_ option: String?) throws -> Date {
        guard let option else { return Date() }
        guard let parsed = try? Date(option, strategy: .iso8601) else { throw CLIError("--now \(option) is not an ISO 8601 time") }
        return parsed
    }
}
