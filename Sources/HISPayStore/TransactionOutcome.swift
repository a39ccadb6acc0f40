import PostgresNIO
import Synchronization

/// Where one PostgreSQL transaction stands — waiting for a connection, holding one, or decided — so
/// that its work and its deadline can race and the caller hears exactly one result.
final class TransactionOutcome<Value: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Value, any Error>?
        var connection: PostgresConnection?
        var watchdog: Task<Void, any Error>?
        var decided = false
    }

    private let state = Mutex(State())

    init(_ continuation: CheckedContinuation<Value, any Error>) {
        state.withLock { $0.continuation = continuation }
    }

    /// The transaction holds `connection`.
    func hold(_ connection: PostgresConnection) { state.withLock { $0.connection = connection } }

    /// The connection held, if any.
    var connection: PostgresConnection? { state.withLock { $0.connection } }

    var isDecided: Bool { state.withLock { $0.decided } }

    /// The task enforcing the deadlines, cancelled once the outcome is decided.
    func watch(_ watchdog: Task<Void, any Error>) {
        let decided = state.withLock { state in
            state.watchdog = watchdog
            return state.decided
        }
        if decided { watchdog.cancel() }
    }

    /// Hands `result` to the caller unless a result was already handed over.
    func decide(_ result: Result<Value, any Error>) {
        let (continuation, watchdog) = state.withLock { state in
            defer { (state.continuation, state.watchdog, state.decided) = (nil, nil, true) }
            return (state.continuation, state.watchdog)
        }
        continuation?.resume(with: result)
        watchdog?.cancel()
    }
}
