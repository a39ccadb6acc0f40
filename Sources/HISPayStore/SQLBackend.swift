/// What ``SQLPaymentStore`` needs of a database: statements with `?` placeholders run inside one
/// transaction at a time, rows as column name → value. SQLite and PostgreSQL implement it; the
/// store's logic — and its tests — are the same on both.
package protocol SQLBackend: Sendable {
    /// `sqlite` or `postgres`: picks the schema's dialect.
    var dialect: SQLDialect { get }
    /// Runs `body` in one transaction; committed when it returns, rolled back when it throws.
    @discardableResult
    func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLExecutor) async throws -> T) async throws -> T
    /// Runs one `SELECT` on the last committed state, without waiting for a transaction being written.
    func read(_ sql: String, _ binds: [SQLValue]) async throws -> [[String: SQLValue]]
    func close() async throws
}

/// Runs statements inside a transaction.
package protocol SQLExecutor: Sendable {
    /// Runs `sql` (with `?` placeholders) and returns its rows.
    @discardableResult
    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [[String: SQLValue]]
}

/// The SQL dialects the store speaks.
package enum SQLDialect: String, Sendable {
    case sqlite
    case postgres
}
