import Foundation

/// One benchmark result: how many operations (or bytes) in how long, single thread. Set
/// `HISPAY_BENCH_ONLY` to a name prefix to run only those workloads, and `HISPAY_BENCH_SECONDS` to
/// run each longer than a second (e.g. to profile one).
struct Measurement: Codable, Sendable {
    var name: String
    var operations: Int
    var seconds: Double
    var bytes: Int?

    static let defaultMinimum = Duration.seconds(ProcessInfo.processInfo.environment["HISPAY_BENCH_SECONDS"].flatMap(Double.init) ?? 1)

    var perSecond: Double { Double(operations) / seconds }
    var megabytesPerSecond: Double? { bytes.map { Double($0) / 1_000_000 / seconds } }

    /// Runs `body` (which performs `operations` operations) at least once and for at least `minimum`,
    /// after one untimed warm-up run; reports the total.
    static func run(_ name: String, operations: Int, bytes: Int? = nil, minimum: Duration = defaultMinimum, _ body: () async throws -> Void) async rethrows -> Measurement? {
        if let only = ProcessInfo.processInfo.environment["HISPAY_BENCH_ONLY"], !name.hasPrefix(only) { return nil }
        try await body()
        let clock = ContinuousClock()
        var rounds = 0
        let start = clock.now
        repeat {
            try await body()
            rounds += 1
        } while clock.now - start < minimum
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Measurement(name: name, operations: operations * rounds, seconds: seconds, bytes: bytes.map { $0 * rounds })
    }
}
