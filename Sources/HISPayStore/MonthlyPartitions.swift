import Foundation

/// The monthly partitions of the store's two growing tables on PostgreSQL — `hispay_events` by
/// `received_at`, `hispay_journal` by `created_at` (declarative range partitioning, Beijing months).
/// A year of a hospital group's callbacks and orders — tens of millions of rows each — keeps a month's
/// rows and indexes together, so recording and reading stay at their first-day speed, and a month past
/// the retention is *detached* (`ALTER TABLE … DETACH PARTITION`): it leaves the live table at once,
/// kept as a table of its own for the archive (`pg_dump -t`, then `DROP TABLE`).
///
/// A unique key across partitions must include the partition column, so each table's own key — an
/// event's (merchant, channel, deduplication key), an order's (merchant, channel, order number) — is
/// kept in a small table beside it (`hispay_event_keys`, `hispay_journal_keys`). The migration that
/// partitions a table moves the rows it holds into one partition reaching to the end of the month it
/// ran in (`…_until_YYYYMM`); later months get `…_YYYYMM`, made ahead by
/// ``SQLPaymentStore/maintain(now:retentionMonths:)`` and on demand when a row's month has none.
/// SQLite keeps one table each: it is the single-node store.
struct MonthlyPartitions {
    /// The partitioned table, e.g. `hispay_events`.
    let table: String
    /// Its key table, e.g. `hispay_event_keys`, and the column both partition by there.
    let keys: String
    let column: String

    static let events = MonthlyPartitions(table: "hispay_events", keys: "hispay_event_keys", column: "received_at")
    static let journal = MonthlyPartitions(table: "hispay_journal", keys: "hispay_journal_keys", column: "created_at")

    /// Beijing time, whose calendar months the partitions follow.
    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 8 * 3600)!
        return calendar
    }()

    /// A calendar month, as `year * 12 + month - 1`.
    struct Month: Hashable, Comparable {
        let index: Int

        init(_ date: Date) {
            let parts = MonthlyPartitions.calendar.dateComponents([.year, .month], from: date)
            index = parts.year! * 12 + parts.month! - 1
        }

        init(index: Int) { self.index = index }

        var year: Int { index / 12 }
        var month: Int { index % 12 + 1 }
        /// `YYYYMM`.
        var name: String { String(format: "%04d%02d", year, month) }
        /// The first millisecond of the month, Beijing time.
        var start: Int64 {
            let date = MonthlyPartitions.calendar.date(from: DateComponents(year: year, month: month, day: 1))!
            return SQLPaymentStore.millis(date)
        }
        var next: Month { Month(index: index + 1) }

        static func < (a: Month, b: Month) -> Bool { a.index < b.index }
    }

    /// A partition: its table and the range it holds, `[from, to)` (`from` nil: from the start).
    struct Partition {
        let table: String
        let from: Int64?
        let to: Int64
    }

    /// Migration 6 on PostgreSQL: `hispay_events` partitioned, its uniqueness kept in `hispay_event_keys`
    /// (a channel's retry may fall in the next month), the rows stored so far moved over.
    static func eventsMigration(now: Date) -> [String] {
        let end = Month(now).next
        return [
            """
            CREATE TABLE hispay_event_keys (merchant TEXT NOT NULL, channel TEXT NOT NULL, dedup_key TEXT NOT NULL, cursor BIGINT NOT NULL,
                received_at BIGINT NOT NULL, PRIMARY KEY (merchant, channel, dedup_key))
            """,
            "CREATE INDEX hispay_event_keys_received ON hispay_event_keys (received_at)",
            "ALTER SEQUENCE hispay_events_cursor_seq OWNED BY NONE",
            "ALTER TABLE hispay_events RENAME TO hispay_events_unpartitioned",
            "ALTER INDEX hispay_events_order RENAME TO hispay_events_unpartitioned_order",
            """
            CREATE TABLE hispay_events (
                cursor BIGINT NOT NULL DEFAULT nextval('hispay_events_cursor_seq'), merchant TEXT NOT NULL, channel TEXT NOT NULL,
                dedup_key TEXT NOT NULL, kind TEXT NOT NULL, out_trade_no TEXT NOT NULL, transaction_id TEXT, out_refund_no TEXT,
                amount_fen BIGINT, merchant_id TEXT, occurred_at BIGINT, fields TEXT NOT NULL, received_at BIGINT NOT NULL, quarantine TEXT)
            PARTITION BY RANGE (received_at)
            """,
            "CREATE INDEX hispay_events_cursor ON hispay_events (cursor)",
            "CREATE INDEX hispay_events_order ON hispay_events (merchant, channel, out_trade_no)",
            "CREATE INDEX hispay_events_key ON hispay_events (merchant, channel, dedup_key)",
            "CREATE TABLE hispay_events_until_\(end.name) PARTITION OF hispay_events FOR VALUES FROM (MINVALUE) TO (\(end.start))",
            """
            INSERT INTO hispay_event_keys (merchant, channel, dedup_key, cursor, received_at)
            SELECT merchant, channel, dedup_key, cursor, received_at FROM hispay_events_unpartitioned
            """,
            "INSERT INTO hispay_events SELECT * FROM hispay_events_unpartitioned",
            "DROP TABLE hispay_events_unpartitioned",
            "ALTER SEQUENCE hispay_events_cursor_seq OWNED BY hispay_events.cursor",
        ]
    }

    /// Migration 7 on PostgreSQL: `hispay_journal` partitioned by the month an order was first journaled
    /// (`created_at`; for the entries stored so far, their last update), its key kept in `hispay_journal_keys`.
    static func journalMigration(now: Date) -> [String] {
        let end = Month(now).next
        return [
            """
            CREATE TABLE hispay_journal_keys (merchant TEXT NOT NULL, channel TEXT NOT NULL, order_no TEXT NOT NULL, created_at BIGINT NOT NULL,
                PRIMARY KEY (merchant, channel, order_no))
            """,
            "CREATE INDEX hispay_journal_keys_created ON hispay_journal_keys (created_at)",
            "ALTER TABLE hispay_journal RENAME TO hispay_journal_unpartitioned",
            "ALTER INDEX hispay_journal_pkey RENAME TO hispay_journal_unpartitioned_pkey",
            "ALTER INDEX hispay_journal_due RENAME TO hispay_journal_unpartitioned_due",
            "ALTER INDEX hispay_journal_parent RENAME TO hispay_journal_unpartitioned_parent",
            """
            CREATE TABLE hispay_journal (
                merchant TEXT NOT NULL, channel TEXT NOT NULL, order_no TEXT NOT NULL, operation TEXT NOT NULL, amount_fen BIGINT NOT NULL,
                state TEXT NOT NULL, state_rank BIGINT NOT NULL, expires_at BIGINT, updated_at BIGINT NOT NULL, attempts BIGINT NOT NULL,
                next_check_at BIGINT, parent_order_no TEXT, scene TEXT, request_time BIGINT, created_at BIGINT NOT NULL,
                PRIMARY KEY (merchant, channel, order_no, created_at))
            PARTITION BY RANGE (created_at)
            """,
            "CREATE INDEX hispay_journal_due ON hispay_journal (state_rank, next_check_at)",
            "CREATE INDEX hispay_journal_parent ON hispay_journal (merchant, channel, parent_order_no)",
            "CREATE INDEX hispay_journal_updated ON hispay_journal (updated_at)",
            "CREATE TABLE hispay_journal_until_\(end.name) PARTITION OF hispay_journal FOR VALUES FROM (MINVALUE) TO (\(end.start))",
            "INSERT INTO hispay_journal_keys SELECT merchant, channel, order_no, updated_at FROM hispay_journal_unpartitioned",
            "INSERT INTO hispay_journal SELECT *, updated_at FROM hispay_journal_unpartitioned",
            "DROP TABLE hispay_journal_unpartitioned",
        ]
    }

    /// The partitions the table has now, from PostgreSQL's catalogue.
    func partitions(_ db: any SQLExecutor) async throws -> [Partition] {
        let rows = try await db.query(
            """
            SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = '\(table)'::regclass
            """, [])
        return try rows.map { row in
            guard case .text(let name)? = row["name"], case .text(let bound)? = row["bound"], let range = Self.range(bound) else {
                throw StoreError(.corruptRow, "a partition of \(table) has a bound this build does not read")
            }
            return Partition(table: name, from: range.from, to: range.to)
        }
    }

    /// `FOR VALUES FROM ('123') TO ('456')` or `FROM (MINVALUE) TO (…)` → the range.
    static func range(_ bound: String) -> (from: Int64?, to: Int64)? {
        let numbers = bound.split { !($0.isNumber || $0 == "-") }.compactMap { Int64($0) }
        if bound.contains("MINVALUE"), numbers.count == 1 { return (nil, numbers[0]) }
        guard numbers.count == 2 else { return nil }
        return (numbers[0], numbers[1])
    }

    /// Creates the partitions of `months` that no partition covers yet.
    func ensure(_ months: Set<Month>, _ db: any SQLExecutor) async throws {
        let existing = try await partitions(db)
        for month in months.sorted() where !existing.contains(where: { ($0.from ?? .min) <= month.start && month.start < $0.to }) {
            try await db.query(
                "CREATE TABLE IF NOT EXISTS \(table)_\(month.name) PARTITION OF \(table) FOR VALUES FROM (\(month.start)) TO (\(month.next.start))", [])
        }
    }

    /// Whether `error` is PostgreSQL's refusal of a row whose month has no partition of this table.
    func lacksPartition(_ error: StoreError) -> Bool {
        error.reason.contains("no partition of relation \\\"\(table)\\\"") || error.reason.contains("no partition of relation \"\(table)\"")
    }

    /// Detaches the partitions wholly before `boundary` (they stay as tables, for the archive), except
    /// those holding a row `keep` matches (a `WHERE` condition), and forgets the detached rows' keys;
    /// returns the tables detached.
    func detach(before boundary: Int64, keeping keep: String? = nil, _ db: any SQLExecutor) async throws -> [String] {
        var detached: [String] = []
        for partition in try await partitions(db).filter({ $0.to <= boundary }).sorted(by: { $0.to < $1.to }) {
            if let keep, try await !db.query("SELECT 1 AS found FROM \(partition.table) WHERE \(keep) LIMIT 1", []).isEmpty { continue }
            try await db.query("ALTER TABLE \(table) DETACH PARTITION \(partition.table)", [])
            try await db.query(
                "DELETE FROM \(keys) WHERE \(column) >= ? AND \(column) < ?", [.integer(partition.from ?? .min), .integer(partition.to)])
            detached.append(partition.table)
        }
        return detached
    }
}
