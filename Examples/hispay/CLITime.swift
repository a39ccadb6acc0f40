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

    /// A `--date` option: a calendar day, yyyy-MM-dd, refused in one line naming the option otherwise.
    static func day(_ text: String, option: String = "--date") throws -> String {
        guard text.count == 10, let parsed = BeijingTime.parse(text + " 00:00:00"), BeijingTime.day(parsed) == text else {
            throw CLIError("\(option) \(text) is not a day (yyyy-MM-dd)")
        }
        return text
    }
}
