import Foundation
import HISPayCore
import Synchronization

/// The simulators' clock and statement calendar. By default the wall clock, and a day's statement
/// can be downloaded at once (the demo reconciles the day it made). An integrator or a test may move
/// the clock (`POST /sandbox/clock`) — it runs on from the time set — and switch to the channels'
/// publication hours, when a day's statement appears only on the next day: WeChat Pay from 10:00
/// (`STATEMENT_CREATING` before, `NO_STATEMENT_EXIST` for a day without trades), Alipay from 09:00
/// (`isp.bill_not_exist` before), UnionPay from 09:00 (file transfer `98` before).
public final class SandboxClock: TimeSource {
    private struct State {
        var offset: TimeInterval = 0
        var channelHours = false
    }

    private let state = Mutex(State())

    public init() {}

    public func now() -> Date { Date().addingTimeInterval(state.withLock { $0.offset }) }

    /// Sets the clock to `date`; it runs on from there.
    public func set(_ date: Date) { state.withLock { $0.offset = date.timeIntervalSinceNow } }

    /// Whether statements follow the channels' publication hours (otherwise they are out at once).
    public var followsPublicationHours: Bool { state.withLock { $0.channelHours } }

    /// Switches the channels' publication hours on or off.
    public func followPublicationHours(_ on: Bool) { state.withLock { $0.channelHours = on } }

    /// Whether the statement of business day `date` (`yyyy-MM-dd`) is out now, for a channel that
    /// publishes it at `hour` (Beijing) the next day.
    func isPublished(_ date: String, hour: Int) -> Bool {
        guard followsPublicationHours else { return true }
        guard let start = BeijingTime.parse(date + " 00:00:00") else { return false }
        return now() >= start.addingTimeInterval(86_400 + TimeInterval(hour) * 3600)
    }
}
