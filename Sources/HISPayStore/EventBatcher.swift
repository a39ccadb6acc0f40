import Foundation
import HISPayCore

/// Group commit for ``SQLPaymentStore/record(_:merchant:receivedAt:quarantineReason:)``: callbacks
/// that arrive while a transaction is being written wait here and are then written together, in one
/// transaction with one multi-row `INSERT` and one flush to disk. A lone callback is written at once,
/// as before; under load a transaction takes everything that queued while the previous one ran (at
/// most ``limit``). With one transaction and five statements per callback, the gateway spent most of
/// its time switching threads and waiting for `fsync` (perf: kernel 55%, `finish_task_switch`).
final class EventBatcher: @unchecked Sendable {
    /// One callback to record.
    struct Request: Sendable {
        let event: CallbackEvent
        let merchant: String
        let receivedAt: Date
        var quarantineReason: String?
        /// Whether its amount is checked against the journal in the transaction that records it.
        let checksJournal: Bool
        /// `event.fields` as the JSON text stored.
        let fields: String
    }

    typealias Waiter = CheckedContinuation<EventRecording, any Error>

    /// The most callbacks in one transaction: 13 values each stays under SQLite's 32,766 bound values.
    static let limit = 256

    /// Guards `pending` and `writing`. An `NSLock` (a pthread mutex) rather than `Mutex`: the standard
    /// library is not built for ThreadSanitizer, which then cannot see `Mutex`'s ordering and
    /// reports the accesses it guards as races.
    private let lock = NSLock()
    private var pending: [(Request, Waiter)] = []
    private var writing = false

    /// Queues `request`; returns true when no transaction is being written, so the caller must start one.
    func enqueue(_ request: Request, _ waiter: Waiter) -> Bool {
        lock.withLock {
            pending.append((request, waiter))
            if writing { return false }
            writing = true
            return true
        }
    }

    /// The next batch, oldest first; an empty batch (and no writer any more) when nothing waits.
    func next() -> [(Request, Waiter)] {
        lock.withLock {
            guard !pending.isEmpty else {
                writing = false
                return []
            }
            let batch = Array(pending.prefix(Self.limit))
            pending.removeFirst(batch.count)
            return batch
        }
    }
}
