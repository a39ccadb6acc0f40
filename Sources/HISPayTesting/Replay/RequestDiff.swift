import HISPayCore
import Foundation

/// Human-readable differences for replay failures.
enum RequestDiff {
    static func headers(recorded: [[String]], actual: [[String]]) -> String {
        let recordedSet = Set(recorded.map { $0.joined(separator: ": ") })
        let actualSet = Set(actual.map { $0.joined(separator: ": ") })
        let missing = recorded.map { $0.joined(separator: ": ") }.filter { !actualSet.contains($0) }
        let extra = actual.map { $0.joined(separator: ": ") }.filter { !recordedSet.contains($0) }
        if missing.isEmpty, extra.isEmpty { return "headers in a different order" }
        return "headers differ: recorded [\(missing.joined(separator: "; "))], got [\(extra.joined(separator: "; "))]"
    }

    static func body(recorded: Cassette.Body?, actual: Cassette.Body?) -> String? {
        let left = recorded?.data ?? .init()
        let right = actual?.data ?? .init()
        guard left != right else { return nil }
        let l = String(decoding: left, as: UTF8.self)
        let r = String(decoding: right, as: UTF8.self)
        return "body differs: \(firstDifference(l, r))"
    }

    /// Where two texts first differ, with a little context from each.
    static func firstDifference(_ recorded: String, _ actual: String) -> String {
        let a = Array(recorded)
        let b = Array(actual)
        var index = 0
        while index < a.count, index < b.count, a[index] == b[index] { index += 1 }
        let from = max(0, index - 20)
        let recordedPart = String(a[from..<min(a.count, index + 20)])
        let actualPart = String(b[from..<min(b.count, index + 20)])
        return "at character \(index): recorded …\(recordedPart)… got …\(actualPart)…"
    }
}
