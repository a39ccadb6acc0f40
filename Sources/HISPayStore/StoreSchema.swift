import Foundation

/// The store's tables, as versioned migrations applied in order when a store opens. The version
/// reached is kept in `hispay_schema`; a database from a newer build is refused, never altered.
package enum StoreSchema {
    /// Migration N (1-based) brings the schema to version N.
    package static func migrations(_ dialect: SQLDialect) -> [[String]] {
        let cursor = dialect == .sqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGSERIAL PRIMARY KEY"
        let integer = dialect == .sqlite ? "INTEGER" : "BIGINT"
        return [
            [
                """
                CREATE TABLE hispay_events (
                    cursor \(cursor), merchant TEXT NOT NULL, channel TEXT NOT NULL, dedup_key TEXT NOT NULL,
                    kind TEXT NOT NULL, out_trade_no TEXT NOT NULL, transaction_id TEXT, out_refund_no TEXT,
                    amount_fen \(integer), merchant_id TEXT, occurred_at \(integer), fields TEXT NOT NULL,
                    received_at \(integer) NOT NULL, quarantine TEXT,
                    UNIQUE (merchant, channel, dedup_key))
                """,
                """
                CREATE TABLE hispay_journal (
                    merchant TEXT NOT NULL, channel TEXT NOT NULL, order_no TEXT NOT NULL, operation TEXT NOT NULL,
                    amount_fen \(integer) NOT NULL, state TEXT NOT NULL, state_rank \(integer) NOT NULL, expires_at \(integer),
                    updated_at \(integer) NOT NULL, attempts \(integer) NOT NULL, next_check_at \(integer),
                    PRIMARY KEY (merchant, channel, order_no))
                """,
                "CREATE INDEX hispay_journal_due ON hispay_journal (state_rank, next_check_at)",
                """
                CREATE TABLE hispay_documents (
                    kind TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, updated_at \(integer) NOT NULL,
                    PRIMARY KEY (kind, id))
                """,
            ],
            [
                "ALTER TABLE hispay_journal ADD COLUMN parent_order_no TEXT",
                "ALTER TABLE hispay_journal ADD COLUMN scene TEXT",
            ],
            [
                "ALTER TABLE hispay_journal ADD COLUMN request_time \(integer)",
                // A refund given as the order's cumulative total is derived from the order's recorded refunds.
                "CREATE INDEX hispay_events_order ON hispay_events (merchant, channel, out_trade_no)",
            ],
            [
                // A new refund is capped at what its order's journaled refunds leave.
                "CREATE INDEX hispay_journal_parent ON hispay_journal (merchant, channel, parent_order_no)"
            ],
            [
                // One node at a time forwards to a URL: the lease's holder, until it runs out.
                "CREATE TABLE hispay_leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at \(integer) NOT NULL)"
            ],
            // PostgreSQL: events, then the journal, partitioned by month (MonthlyPartitions); SQLite keeps one table each.
            dialect == .postgres ? MonthlyPartitions.eventsMigration(now: Date()) : [],
            dialect == .postgres ? MonthlyPartitions.journalMigration(now: Date()) : [],
        ]
    }

    /// Applies the migrations the database lacks, in one transaction (PostgreSQL: under a table lock,
    /// so several nodes opening at once migrate once).
    static func migrate(_ backend: any SQLBackend) async throws {
        let migrations = migrations(backend.dialect)
        let dialect = backend.dialect
        try await backend.transaction { db in
            try await db.query("CREATE TABLE IF NOT EXISTS hispay_schema (version \(dialect == .sqlite ? "INTEGER" : "BIGINT") NOT NULL)", [])
            if dialect == .postgres { try await db.query("LOCK TABLE hispay_schema IN EXCLUSIVE MODE", []) }
            let current = try await db.query("SELECT MAX(version) AS version FROM hispay_schema", []).first?["version"]?.integer ?? 0
            guard current <= Int64(migrations.count) else {
                throw StoreError(.schemaTooNew, "the database is at schema version \(current); this build knows up to \(migrations.count)")
            }
            for (index, statements) in migrations.enumerated() where Int64(index + 1) > current {
                for statement in statements { try await db.query(statement, []) }
                try await db.query("INSERT INTO hispay_schema (version) VALUES (?)", [.integer(Int64(index + 1))])
            }
        }
    }
}
