import Foundation

/// The monthly partitions of `hispay_events` on PostgreSQL (declarative range partitioning on
/// `received_at`, Beijing months): a year of a hospital group's callbacks — tens of millions of rows —
/// keeps a month's rows and indexes together, so recording and `/events` stay at their first-day speed,
/// and a month past the retention is *detached* (`ALTER TABLE … DETACH PARTITION`): it leaves the live
/// table at once, kept as a table of its own for the archive (`pg_dump -t`, then `DROP TABLE`).
///
/// Migration 6 moves the rows already stored into one partition reaching to the end of the month it
/// ran in (`hispay_events_until_YYYYMM`); later months get `hispay_events_YYYYMM`, made ahead by
/// ``SQLPaymentStore/maintain(now:retentionMonths:)`` and on demand when a callback's month has none.
/// SQLite keeps one table: it is the single-node store.
enum EventPartitions {
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
            let parts = EventPartitions.calendar.dateComponents([.year, .month], from: date)
            index = parts.year! * 12 + parts.month! - 1
        }

        init(index: Int) { self.index = index }

        var year: Int { index / 12 }
        var month: Int { index % 12 + 1 }
        /// `YYYYMM`.
        var name: String { String(format: "%04d%02d", year, month) }
        /// The first millisecond of the month, Beijing time.
        var start: Int64 {
            let date = EventPartitions.calendar.date(from: DateComponents(year: year, month: month, day: 1))!
            return SQLPaymentStore.millis(date)
        }
        var next: Month { Month(index: index + 1) }

        static func < (a: Month, b: Month) -> Bool { a.index < b.index }
    }

    /// A partition: its table and the `received_at` range it holds, `[from, to)` (`from` nil: from the start).
    struct Partition {
        let table: String
        let from: Int64?
        let to: Int64
    }

    /// Migration 6 on PostgreSQL: `hispay_events` partitioned by month, its uniqueness kept in
    /// `hispay_event_keys` (PostgreSQL enforces a unique key across partitions only when it includes
    /// the partition key, and a channel's retry may fall in the next month), the rows already stored
    /// moved into `hispay_events_until_YYYYMM` (up to the end of `now`'s month).
    static func migration(now: Date) -> [String] {
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

    /// The partitions `hispay_events` has now, from PostgreSQL's catalogue.
    static func partitions(_ db: any SQLExecutor) async throws -> [Partition] {
        let rows = try await db.query(
            """
            SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'hispay_events'::regclass
            """, [])
        return try rows.map { row in
            guard case .text(let table)? = row["name"], case .text(let bound)? = row["bound"], let range = range(bound) else {
                throw StoreError(.corruptRow, "a partition of hispay_events has a bound this build does not read")
            }
            return Partition(table: table, from: range.from, to: range.to)
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
    static func ensure(_ months: Set<Month>, _ db: any SQLExecutor) async throws {
        let existing = try await partitions(db)
        for month in months.sorted() where !existing.contains(where: { ($0.from ?? .min) <= month.start && month.start < $0.to }) {
            try await db.query(
                "CREATE TABLE IF NOT EXISTS hispay_events_\(month.name) PARTITION OF hispay_events FOR VALUES FROM (\(month.start)) TO (\(month.next.start))", [])
        }
    }

    /// Detaches the partitions wholly before `boundary` (they stay as tables, for the archive) and
    /// forgets their deduplication keys; returns the tables detached.
    static func detach(before boundary: Int64, _ db: any SQLExecutor) async throws -> [String] {
        let old = try await partitions(db).filter { $0.to <= boundary }.map(\.table).sorted()
        for table in old { try await db.query("ALTER TABLE hispay_events DETACH PARTITION \(table)", []) }
        if !old.isEmpty { try await db.query("DELETE FROM hispay_event_keys WHERE received_at < ?", [.integer(boundary)]) }
        return old
    }
}
