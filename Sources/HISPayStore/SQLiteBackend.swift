import Foundation
import SQLiteNIO
import Synchronization

/// SQLite, the embedded default: one file, written in WAL mode with full synchronisation so a
/// committed transaction survives a crash or power loss; transactions run one at a time
/// (`BEGIN IMMEDIATE`), and a second process on the same file waits for the lock. Reads go through
/// a second, read-only connection: in WAL mode a reader sees the last committed state and neither
/// waits for the writer nor holds it up (reading through the writing connection, under its lock,
/// put every callback's journal look-up in the queue behind the transactions being written).
package final class SQLiteBackend: SQLBackend {
    private let connection: SQLiteConnection
    private let reader: SQLiteConnection
    private let serial = AsyncLock()

    package var dialect: SQLDialect { .sqlite }

    private init(connection: SQLiteConnection, reader: SQLiteConnection) {
        self.connection = connection
        self.reader = reader
    }

    /// Opens (creating if needed) the database file at `path`.
    package static func open(path: String) async throws -> SQLiteBackend {
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(storage: .file(path: path))
        } catch {
            throw StoreError(.unavailable, "SQLite database \(path) could not be opened: \(error)")
        }
        do {
            for pragma in ["PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL", "PRAGMA busy_timeout = 10000"] {
                _ = try await connection.query(pragma, [])
            }
        } catch {
            try? await connection.close()
            throw StoreError(.unavailable, "SQLite database \(path) could not be set up: \(error)")
        }
        let reader: SQLiteConnection
        do {
            reader = try await SQLiteConnection.open(storage: .file(path: path))
            for pragma in ["PRAGMA query_only = 1", "PRAGMA busy_timeout = 10000"] { _ = try await reader.query(pragma, []) }
        } catch {
            try? await connection.close()
            throw StoreError(.unavailable, "SQLite database \(path) could not be opened for reading: \(error)")
        }
        return SQLiteBackend(connection: connection, reader: reader)
    }

    @discardableResult
    package func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        let executor = Executor(connection: connection)
        return try await serial.withLock {
            try await executor.query("BEGIN IMMEDIATE", [])
            do {
                let value = try await body(executor)
                try await executor.query("COMMIT", [])
                return value
            } catch {
                _ = try? await connection.query("ROLLBACK", [])
                throw error
            }
        }
    }

    package func read(_ sql: String, _ binds: [SQLValue]) async throws -> [[String: SQLValue]] {
        try await Executor(connection: reader).query(sql, binds)
    }

    package func close() async throws {
        try await reader.close()
        try await connection.close()
    }

    /// A backend released without ``close()`` still closes its connections (asynchronously) rather
    /// than leave the file open.
    deinit {
        for connection in [connection, reader] where !connection.isClosed { Task { try? await connection.close() } }
    }

    private final class RowBuffer: Sendable {
        let values = Mutex<[[String: SQLValue]]>([])
    }

    private struct Executor: SQLExecutor {
        let connection: SQLiteConnection

        /// Rows arrive on SQLiteNIO's thread pool and are read on the awaiting task: they are handed
        /// over under a lock (SQLiteNIO's own row-collecting `query` appends to an unguarded variable,
        /// which ThreadSanitizer reports as a race).
        @discardableResult
        func query(_ sql: String, _ binds: [SQLValue]) async throws -> [[String: SQLValue]] {
            let rows = RowBuffer()
            do {
                try await connection.query(sql, binds.map(Self.data)) { row in
                    let values = Dictionary(row.columns.map { ($0.name, Self.value($0.data)) }, uniquingKeysWith: { first, _ in first })
                    rows.values.withLock { $0.append(values) }
                }
            } catch {
                throw StoreError(.queryFailed, "SQLite: \(error)")
            }
            return rows.values.withLock { $0 }
        }

        static func data(_ value: SQLValue) -> SQLiteData {
            switch value {
            case .integer(let integer): .integer(Int(integer))
            case .text(let text): .text(text)
            case .null: .null
            }
        }

        static func value(_ data: SQLiteData) -> SQLValue {
            switch data {
            case .integer(let integer): .integer(Int64(integer))
            case .text(let text): .text(text)
            case .float(let double): .integer(Int64(double))
            case .blob(let buffer): .text(String(buffer: buffer))
            case .null: .null
            }
        }
    }
}
