import Foundation
import HISPay

/// Times as the CLI prints them: ISO 8601 in Beijing time, e.g. `2026-11-22T09:59:30+08:00`.
enum CLITime {
    static func beijing(_ date: Date) -> String {
        BeijingTime.format(date).replacingOccurrences(of: " ", with: "T") + "+08:00"
    }
}
