import Foundation
import HISPayCore

/// Reads the inputs of a run on a thread of its own while the reconciling thread books and matches:
/// parsing the ledger and the statements (text to rows) and matching (rows in the hash table) each
/// took about half of a million-row day, so on two cores they overlap. Rows are handed over in
/// batches through a queue of at most ``capacity`` batches, so memory stays bounded whichever side
/// is faster. The reading thread is the only one to touch the sources (and whatever their closures
/// capture) until it ends, and ``finish()`` waits for it to end — which is why handing it
/// non-`Sendable` sources is sound.
final class RowPipeline: @unchecked Sendable {
    enum Batch {
        case ledger([LedgerRecord])
        /// Every ledger row has been sent; statement rows follow.
        case endOfLedger
        case statements([StatementRecord])
    }

    /// Rows per batch, and batches the queue holds (about 4 MB of rows).
    static let batchSize = 2048
    static let capacity = 16

    /// Thrown into the reading thread when the reconciling one has stopped taking rows.
    private struct Stopped: Error {}

    private let condition = NSCondition()
    // Guarded by `condition`:
    private var queue: [Batch] = []
    private var ended = false
    private var failure: (any Error)?
    private var stopped = false

    /// Starts `read` on a new thread; it hands rows over with ``send(_:)``.
    init(read: @escaping (RowPipeline) throws -> Void) {
        let body = UncheckedBox(read)
        let thread = Thread { [self] in
            var failure: (any Error)?
            do { try body.value(self) } catch { failure = error }
            condition.lock()
            if !(failure is Stopped) { self.failure = failure }
            ended = true
            condition.broadcast()
            condition.unlock()
        }
        thread.stackSize = 1 << 22
        thread.start()
    }

    /// Hands a batch to the reconciling thread, waiting while the queue is full; throws when that
    /// thread has stopped taking rows.
    func send(_ batch: Batch) throws {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= Self.capacity, !stopped { condition.wait() }
        if stopped { throw Stopped() }
        queue.append(batch)
        condition.broadcast()
    }

    /// The next batch, waiting for it; nil when the reading thread has sent everything. Rethrows what
    /// stopped the reading thread.
    func next() throws -> Batch? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty, !ended { condition.wait() }
        if !queue.isEmpty {
            // Removed, not just passed: a batch kept in the queue after it was taken would keep its
            // rows alive for as long as the reading thread stays ahead.
            let batch = queue.removeFirst()
            condition.broadcast()
            return batch
        }
        if let failure { throw failure }
        return nil
    }

    /// Stops the reading thread if it is still sending, and waits for it to end.
    func finish() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while !ended { condition.wait() }
        condition.unlock()
    }

    private struct UncheckedBox<Value>: @unchecked Sendable {
        let value: Value
        init(_ value: Value) { self.value = value }
    }
}
