import Foundation
import Synchronization

/// Where timestamps come from (DESIGN's `Clock`; named so it does not shadow Swift's `Clock`).
/// Injected everywhere a timestamp is made or checked, so signed requests replay byte for byte
/// and callback freshness windows can be tested.
public protocol TimeSource: Sendable {
    /// The current wall-clock time.
    func now() -> Date
}

/// The system's wall clock.
public struct SystemTimeSource: TimeSource {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that stands still until moved: for tests and cassette replay.
public final class ManualTimeSource: TimeSource {
    private let current: Mutex<Date>

    public init(_ start: Date) { current = Mutex(start) }

    public func now() -> Date { current.withLock { $0 } }

    /// Moves the clock to `date`.
    public func set(_ date: Date) { current.withLock { $0 = date } }

    /// Moves the clock forward by `interval` seconds.
    public func advance(by interval: TimeInterval) { current.withLock { $0 += interval } }
}
