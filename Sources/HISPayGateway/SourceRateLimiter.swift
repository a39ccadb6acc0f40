import Foundation

/// A token bucket per callback source (an address, or what a trusted proxy's header names): each
/// source may send ``perSecond`` callbacks a second on average and ``burst`` at once; beyond that the
/// gateway answers 429 and the channel retries later. Sources idle for a minute are forgotten.
public final class SourceRateLimiter: @unchecked Sendable {
    /// Callbacks a second one source may keep sending.
    public let perSecond: Int
    /// Callbacks one source may send at once.
    public let burst: Int
    private let lock = NSLock()
    /// Per source: tokens left in thousandths (whole numbers: no rounding drifts), and when last topped up.
    private var buckets: [String: (milliTokens: Int64, at: ContinuousClock.Instant)] = [:]
    private let clock = ContinuousClock()
    private var lastSweep: ContinuousClock.Instant

    /// `perSecond` and `burst` must be positive.
    public init(perSecond: Int, burst: Int? = nil) {
        precondition(perSecond > 0 && (burst ?? 1) > 0, "a rate limit is positive")
        self.perSecond = perSecond
        self.burst = burst ?? perSecond * 2
        lastSweep = clock.now
    }

    /// Takes one callback's token for `source`; false when its bucket is empty.
    public func admit(_ source: String) -> Bool {
        let now = clock.now
        return lock.withLock {
            sweep(now)
            let capacity = Int64(burst) * 1000
            var bucket = buckets[source] ?? (capacity, now)
            let elapsed = bucket.at.duration(to: now)
            let refill = elapsed.components.seconds * Int64(perSecond) * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000 * Int64(perSecond)
            bucket = (min(capacity, bucket.milliTokens + refill), now)
            let admitted = bucket.milliTokens >= 1000
            if admitted { bucket.milliTokens -= 1000 }
            buckets[source] = bucket
            return admitted
        }
    }

    /// Forgets sources idle for a minute, at most once a minute (a full bucket is what a new source gets).
    private func sweep(_ now: ContinuousClock.Instant) {
        guard lastSweep.duration(to: now) > .seconds(60) else { return }
        lastSweep = now
        buckets = buckets.filter { $0.value.at.duration(to: now) < .seconds(60) }
    }
}
