import Foundation

/// One benchmark result: how many operations (or bytes) in how long, single thread.
struct Measurement: Codable {
    var name: String
    var operations: Int
    var seconds: Double
    var bytes: Int?

    var perSecond: Double { Double(operations) / seconds }
    var megabytesPerSecond: Double? { bytes.map { Double($0) / 1_000_000 / seconds } }

    /// Runs `body` (which performs `operations` operations) at least once and for at least `minimum`,
    /// after one untimed warm-up run; reports the total.
    static func run(_ name: String, operations: Int, bytes: Int? = nil, minimum: Duration = .seconds(1), _ body: () async throws -> Void) async rethrows -> Measurement {
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
