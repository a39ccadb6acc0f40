import PostgresNIO
import Synchronization

/// Where one PostgreSQL transaction stands — waiting for a connection, holding one, done with it —
/// and whether its result is decided, so that its work and its deadlines race and the caller hears
/// exactly one result. Every step is one atomic change, so a deadline never closes a connection the
/// transaction has already handed back to the pool.
final class TransactionOutcome<Value: Sendable>: Sendable {
    private enum Phase {
        case waiting
        case holding(PostgresConnection)
        /// A deadline took the connection away to close it.
        case abandoned
        case done
    }

    private struct State {
        var continuation: CheckedContinuation<Value, any Error>?
        var phase = Phase.waiting
        var watchdog: Task<Void, any Error>?
    }

    private let state = Mutex(State())

    init(_ continuation: CheckedContinuation<Value, any Error>) {
        state.withLock { $0.continuation = continuation }
    }

    /// The transaction got `connection`; false when a deadline already decided it (then it must not start).
    func hold(_ connection: PostgresConnection) -> Bool {
        state.withLock { state in
            guard state.continuation != nil else { return false }
            state.phase = .holding(connection)
            return true
        }
    }

    /// The transaction is about to hand its connection back.
    func release() { state.withLock { $0.phase = .done } }

    /// Whether a deadline abandoned the transaction and is closing its connection.
    var isAbandoned: Bool {
        state.withLock { state in
            if case .abandoned = state.phase { return true }
            return false
        }
    }

    /// The task enforcing the deadlines, cancelled once the outcome is decided.
    func watch(_ watchdog: Task<Void, any Error>) {
        let decided = state.withLock { state in
            state.watchdog = watchdog
            return state.continuation == nil
        }
        if decided { watchdog.cancel() }
    }

    /// Decides `error` if the transaction is still waiting for a connection; true when it did.
    func expire(_ error: any Error) -> Bool {
        let continuation = state.withLock { state -> CheckedContinuation<Value, any Error>? in
            guard case .waiting = state.phase else { return nil }
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume(throwing: error)
        return continuation != nil
    }

    /// Decides `error` if the transaction still holds its connection, and returns that connection
    /// (to be closed); nil when the transaction got further.
    func abandon(_ error: any Error) -> PostgresConnection? {
        let taken = state.withLock { state -> (CheckedContinuation<Value, any Error>, PostgresConnection)? in
            guard case .holding(let connection) = state.phase, let continuation = state.continuation else { return nil }
            state.continuation = nil
            state.phase = .abandoned
            return (continuation, connection)
        }
        taken?.0.resume(throwing: error)
        return taken?.1
    }

    /// Hands `result` to the caller unless a deadline already decided.
    func decide(_ result: Result<Value, any Error>) {
        let (continuation, watchdog) = state.withLock { state in
            defer { (state.continuation, state.watchdog) = (nil, nil) }
            return (state.continuation, state.watchdog)
        }
        continuation?.resume(with: result)
        watchdog?.cancel()
    }
}
