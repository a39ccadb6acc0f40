import Foundation
import HISPayCore

/// A callback event as the store holds it: its position in the event stream (the cursor the HIS
/// reads from), the merchant profile it arrived for, and — when it disagreed with the journal — why
/// it was quarantined instead of applied.
public struct StoredEvent: Sendable, Hashable {
    /// Monotonic position in the event stream; `GET /events?after=` takes the last one seen.
    public var cursor: Int64
    /// The merchant profile the callback was addressed to (`/notify/{merchant}/{channel}`).
    public var merchant: String
    public var event: CallbackEvent
    public var receivedAt: Date
    /// Why the event was quarantined (amount or merchant id disagreeing with the journal); nil when
    /// it was applied and is delivered.
    public var quarantineReason: String?

    public init(cursor: Int64, merchant: String, event: CallbackEvent, receivedAt: Date, quarantineReason: String? = nil) {
        self.cursor = cursor
        self.merchant = merchant
        self.event = event
        self.receivedAt = receivedAt
        self.quarantineReason = quarantineReason
    }
}
