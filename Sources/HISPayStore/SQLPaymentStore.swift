import Foundation
import HISPayCore
import Metrics

/// ``PaymentStore`` on an SQL database (`SQLiteBackend` or `PostgresBackend`): the same
/// statements, the same behaviour. It counts through swift-metrics how long each group of callbacks
/// took to write (`hispay_store_write_seconds`, a timer) and how many it held (`hispay_store_group_size`). Exactly-once recording rests on the unique
/// `(merchant, channel, dedup_key)` key and `INSERT … ON CONFLICT DO NOTHING`, so concurrent
/// duplicates — in one process or on several nodes sharing PostgreSQL — store one event.
public struct SQLPaymentStore: PaymentStore {
    package let backend: any SQLBackend
    private let batcher = EventBatcher()

    /// Opens the store on `backend`, applying any migrations it lacks.
    package init(backend: any SQLBackend) async throws {
        self.backend = backend
        do {
            try await StoreSchema.migrate(backend)
        } catch {
            try? await backend.close()
            throw error
        }
    }

    /// Opens the store a location names: `sqlite:PATH` or
    /// `postgres://user@host[:port]/database[?password_file=PATH]` (see the README for the password).
    /// With `create` a missing store is made — the SQLite file, or the tables in an empty PostgreSQL
    /// database; without, it is refused with ``StoreError/Code/notFound`` (a mistyped path must not
    /// become a new, empty store).
    public static func open(_ location: String, create: Bool = true) async throws -> SQLPaymentStore {
        if location.hasPrefix("sqlite:") {
            let path = String(location.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw StoreError(.invalidLocation, "sqlite: needs a file path (sqlite:/var/lib/hispay/store.db)") }
            guard create || FileManager.default.fileExists(atPath: path) else {
                throw StoreError(.notFound, "there is no store at \(location)")
            }
            return try await SQLPaymentStore(backend: try await SQLiteBackend.open(path: path))
        }
        if location.hasPrefix("postgres://") || location.hasPrefix("postgresql://") {
            let backend = try await PostgresBackend.open(url: location)
            if !create, try await backend.read("SELECT CAST(to_regclass('hispay_schema') AS TEXT) AS found", []).first?["found"]?.text == nil {
                try? await backend.close()
                throw StoreError(.notFound, "the PostgreSQL database at \(PostgresBackend.displayName(location)) holds no HISPay store")
            }
            return try await SQLPaymentStore(backend: backend)
        }
        throw StoreError(.invalidLocation, "a store is sqlite:PATH or postgres://user@host:port/database")
    }

    public func record(_ event: CallbackEvent, merchant: String, receivedAt: Date, quarantineReason: String?) async throws -> EventRecording {
        try await enqueue(event, merchant: merchant, receivedAt: receivedAt, quarantineReason: quarantineReason, checksJournal: false)
    }

    public func recordCheckingJournal(_ event: CallbackEvent, merchant: String, receivedAt: Date, quarantineReason: String?) async throws -> EventRecording {
        try await enqueue(event, merchant: merchant, receivedAt: receivedAt, quarantineReason: quarantineReason, checksJournal: true)
    }

    private func enqueue(_ event: CallbackEvent, merchant: String, receivedAt: Date, quarantineReason: String?, checksJournal: Bool) async throws -> EventRecording {
        let request = EventBatcher.Request(
            event: event, merchant: merchant, receivedAt: receivedAt, quarantineReason: quarantineReason, checksJournal: checksJournal,
            fields: String(decoding: try JSONEncoder.sorted.encode(event.fields), as: UTF8.self))
        return try await withCheckedThrowingContinuation { waiter in
            if batcher.enqueue(request, waiter) { Task { await writeBatches() } }
        }
    }

    /// Writes queued callbacks, a batch per transaction, until none waits. When a batch's transaction
    /// fails for a reason other than the database being unavailable, its callbacks are written again
    /// one by one, so one bad row cannot refuse the others.
    private func writeBatches() async {
        while case let batch = batcher.next(), !batch.isEmpty {
            let requests = batch.map(\.0)
            do {
                let started = DispatchTime.now()
                let recordings = try await recordCreatingPartitions(requests)
                Timer(label: "hispay_store_write_seconds").recordInterval(since: started)
                Recorder(label: "hispay_store_group_size").record(requests.count)
                for ((_, waiter), recording) in zip(batch, recordings) { waiter.resume(returning: recording) }
            } catch {
                guard batch.count > 1, (error as? StoreError)?.code != .unavailable else {
                    for (_, waiter) in batch { waiter.resume(throwing: error) }
                    continue
                }
                for (request, waiter) in batch {
                    do {
                        let recordings = try await recordCreatingPartitions([request])
                        waiter.resume(returning: recordings[0])
                    } catch {
                        waiter.resume(throwing: error)
                    }
                }
            }
        }
    }

    /// Records `requests` in one transaction (see ``creatingPartitions(_:for:_:)``).
    private func recordCreatingPartitions(_ requests: [EventBatcher.Request]) async throws -> [EventRecording] {
        let dialect = backend.dialect
        return try await creatingPartitions(.events, for: requests.map(\.receivedAt)) { db in try await Self.record(requests, dialect, db) }
    }

    /// Runs `body` in a transaction; on PostgreSQL, when a row of `dates`' months has no partition of
    /// `partitions`' table yet (SQLSTATE 23514, "no partition of relation … found for row"), makes
    /// them and runs it once more.
    @discardableResult
    private func creatingPartitions<T: Sendable>(
        _ partitions: MonthlyPartitions, for dates: [Date], _ body: @escaping @Sendable (any SQLExecutor) async throws -> T
    ) async throws -> T {
        do {
            return try await backend.transaction(body)
        } catch let error as StoreError where backend.dialect == .postgres && partitions.lacksPartition(error) {
            let months = Set(dates.map(MonthlyPartitions.Month.init))
            try await backend.transaction { db in try await partitions.ensure(months, db) }
            return try await backend.transaction(body)
        }
    }

    /// Records `requests` in the transaction `db`: one `INSERT` of every callback not already stored
    /// (the first of several with one deduplication key stands for the rest), one `SELECT` of those
    /// that were, and the journal moved for each new, unquarantined event. Returns a recording per
    /// request, in order.
    private static func record(_ requests: [EventBatcher.Request], _ dialect: SQLDialect, _ db: any SQLExecutor) async throws -> [EventRecording] {
        var requests = requests
        func identity(_ request: EventBatcher.Request) -> RowKey {
            RowKey(merchant: request.merchant, channel: request.event.channel.rawValue, number: request.event.deduplicationKey)
        }
        var first: [RowKey: Int] = [:]
        for (index, request) in requests.enumerated() where first[identity(request)] == nil { first[identity(request)] = index }
        let leaders = first.values.sorted()
        try await checkJournal(&requests, leaders, db)
        let inserted = try await insert(leaders.map { requests[$0] }, dialect, db)
        var recorded: [RowKey: EventRecording] = [:]
        for row in inserted {
            guard let cursor = row["cursor"]?.integer, let merchant = row["merchant"]?.text, let channel = row["channel"]?.text,
                let key = row["dedup_key"]?.text, let index = first[RowKey(merchant: merchant, channel: channel, number: key)]
            else { throw StoreError(.queryFailed, "an inserted event came back without its cursor or key") }
            let request = requests[index]
            recorded[identity(request)] = EventRecording(
                event: StoredEvent(cursor: cursor, merchant: merchant, event: request.event, receivedAt: request.receivedAt, quarantineReason: request.quarantineReason),
                isNew: true)
        }
        var moves: [Move] = []
        for index in leaders where recorded[identity(requests[index])]?.isNew == true && requests[index].quarantineReason == nil {
            moves += try await Self.moves(db, for: requests[index].event, merchant: requests[index].merchant, at: requests[index].receivedAt)
        }
        try await advance(db, moves)
        let stored = leaders.map { identity(requests[$0]) }.filter { recorded[$0] == nil }
        if !stored.isEmpty {
            let (condition, binds) = RowKey.matching(stored, on: "dedup_key")
            for row in try await db.query("SELECT * FROM hispay_events WHERE " + condition, binds) {
                let event = try storedEvent(row)
                recorded[RowKey(merchant: event.merchant, channel: event.event.channel.rawValue, number: event.event.deduplicationKey)] = EventRecording(
                    event: event, isNew: false)
            }
        }
        return try requests.enumerated().map { index, request in
            guard let recording = recorded[identity(request)] else {
                throw StoreError(.queryFailed, "event \(request.event.deduplicationKey) neither inserted nor found")
            }
            // A later callback with the key of one inserted in this batch is its duplicate.
            return first[identity(request)] == index ? recording : EventRecording(event: recording.event, isNew: false)
        }
    }

    /// Inserts the events of `requests` not already stored, returning the new rows' cursor, merchant,
    /// channel and deduplication key. SQLite: one `INSERT … ON CONFLICT DO NOTHING` on the events' unique
    /// key. PostgreSQL: the keys go into `hispay_event_keys` (the partitioned events table cannot hold a
    /// unique key across months) and the events whose key was new into `hispay_events`, in one
    /// statement, under a transaction-wide advisory lock taken first, so that nodes commit events in
    /// the order of their cursors: without it a reader of `/events` (or the forwarder) could pass a
    /// cursor whose transaction, begun earlier, commits later — and never see that event.
    private static func insert(_ requests: [EventBatcher.Request], _ dialect: SQLDialect, _ db: any SQLExecutor) async throws -> [[String: SQLValue]] {
        let columns = "merchant, channel, dedup_key, kind, out_trade_no, transaction_id, out_refund_no, amount_fen, merchant_id, occurred_at, fields, received_at, quarantine"
        let binds = requests.flatMap(values)
        guard dialect == .postgres else {
            return try await db.query(
                """
                INSERT INTO hispay_events (\(columns))
                VALUES \(requests.map { _ in "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" }.joined(separator: ", "))
                ON CONFLICT (merchant, channel, dedup_key) DO NOTHING RETURNING cursor, merchant, channel, dedup_key
                """, binds)
        }
        try await db.query("SELECT pg_advisory_xact_lock(\(eventOrderLock))", [])
        // The first row names the columns' types (a NULL alone would be text).
        let typed = "(CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), "
            + "CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS TEXT), 0)"
        let rows = [typed] + (1..<max(1, requests.count)).map { "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, \($0))" }
        return try await db.query(
            """
            WITH v (\(columns), position) AS (VALUES \(rows.prefix(requests.count).joined(separator: ", "))),
            k AS (
                INSERT INTO hispay_event_keys (merchant, channel, dedup_key, cursor, received_at)
                SELECT merchant, channel, dedup_key, nextval('hispay_events_cursor_seq'), received_at FROM v ORDER BY position
                ON CONFLICT DO NOTHING RETURNING merchant, channel, dedup_key, cursor)
            INSERT INTO hispay_events (cursor, \(columns))
            SELECT k.cursor, \(columns.split(separator: ",").map { "v." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", "))
            FROM v JOIN k ON k.merchant = v.merchant AND k.channel = v.channel AND k.dedup_key = v.dedup_key
            RETURNING cursor, merchant, channel, dedup_key
            """, binds)
    }

    /// The advisory lock (PostgreSQL) recording transactions take so that events commit in cursor order.
    static let eventOrderLock: Int64 = 0x4849_5350_6179_0001  // "HISPay" 1

    public func recordedRefunds(merchant: String, channel: ChannelID, outTradeNo: String) async throws -> Amount {
        try await sum(
            "hispay_events", where: "out_trade_no = ? AND kind = ? AND quarantine IS NULL", of: "recorded refunds",
            [.text(merchant), .text(channel.rawValue), .text(outTradeNo), .text(CallbackEvent.Kind.refundSucceeded.name)])
    }

    public func journaledRefunds(merchant: String, channel: ChannelID, parentOrderNo: String, excluding outRefundNo: String) async throws -> Amount {
        try await sum(
            "hispay_journal", where: "parent_order_no = ? AND operation = ? AND order_no <> ? AND state NOT IN (?, ?)", of: "journaled refunds",
            [
                .text(merchant), .text(channel.rawValue), .text(parentOrderNo), .text(ChannelOperation.refund.name), .text(outRefundNo),
                .text(OrderState.failed.name), .text(OrderState.closed.name),
            ])
    }

    /// The sum of `amount_fen` over one merchant's and channel's rows of `table` matching `condition`
    /// (its binds follow the merchant's and the channel's).
    private func sum(_ table: String, where condition: String, of what: String, _ binds: [SQLValue]) async throws -> Amount {
        let rows = try await backend.read(
            "SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) AS total FROM \(table) WHERE merchant = ? AND channel = ? AND \(condition)", binds)
        guard let total = rows.first?["total"]?.integer else { throw StoreError(.corruptRow, "the sum of \(what) is not a whole number of fen") }
        return Amount(fen: total)
    }

    public func events(after cursor: Int64, limit: Int) async throws -> [StoredEvent] {
        try await events("quarantine IS NULL", after: cursor, limit: limit)
    }

    public func quarantined(after cursor: Int64, limit: Int) async throws -> [StoredEvent] {
        try await events("quarantine IS NOT NULL", after: cursor, limit: limit)
    }

    public func save(_ entry: JournalEntry) async throws {
        let values: [SQLValue] = [
            .text(entry.merchant), .text(entry.channel.rawValue), .text(entry.orderNo), .text(entry.operation.name), .integer(entry.amount.fen),
            .text(entry.state.name), .integer(Int64(entry.state.rank)), entry.expiresAt.map { .integer(Self.millis($0)) } ?? .null,
            .integer(Self.millis(entry.updatedAt)), .integer(Int64(entry.attempts)), entry.nextCheckAt.map { .integer(Self.millis($0)) } ?? .null,
            entry.parentOrderNo.sql, entry.scene.map { .text($0.name) } ?? .null, entry.requestTime.map { .integer(Self.millis($0)) } ?? .null,
        ]
        let columns = "merchant, channel, order_no, operation, amount_fen, state, state_rank, expires_at, updated_at, attempts, next_check_at, parent_order_no, scene, request_time"
        let update = """

            ON CONFLICT (merchant, channel, order_no\(backend.dialect == .postgres ? ", created_at" : "")) DO UPDATE SET
                operation = excluded.operation, amount_fen = excluded.amount_fen, expires_at = excluded.expires_at,
                updated_at = excluded.updated_at, attempts = excluded.attempts, next_check_at = excluded.next_check_at,
                parent_order_no = excluded.parent_order_no, scene = excluded.scene,
                request_time = COALESCE(excluded.request_time, hispay_journal.request_time),
                state = CASE WHEN excluded.state_rank >= hispay_journal.state_rank THEN excluded.state ELSE hispay_journal.state END,
                state_rank = CASE WHEN excluded.state_rank >= hispay_journal.state_rank THEN excluded.state_rank ELSE hispay_journal.state_rank END
            """
        guard backend.dialect == .postgres else {
            try await backend.transaction { db in
                try await db.query("INSERT INTO hispay_journal (\(columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" + update, values)
            }
            return
        }
        // PostgreSQL: the order's month of creation from its key (taken now when it is new), then the
        // row in that month's partition.
        let created = SQLValue.integer(Self.millis(entry.updatedAt))
        try await creatingPartitions(.journal, for: [entry.updatedAt]) { db in
            try await db.query(
                """
                WITH key AS (
                    INSERT INTO hispay_journal_keys (merchant, channel, order_no, created_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (merchant, channel, order_no) DO UPDATE SET created_at = hispay_journal_keys.created_at RETURNING created_at)
                INSERT INTO hispay_journal (\(columns), created_at)
                SELECT CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS BIGINT),
                    CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BIGINT),
                    key.created_at FROM key
                """ + update, Array(values.prefix(3)) + [created] + values)
        }
    }

    public func entry(merchant: String, channel: ChannelID, orderNo: String) async throws -> JournalEntry? {
        let rows = try await backend.read(
            "SELECT * FROM hispay_journal WHERE merchant = ? AND channel = ? AND order_no = ?", [.text(merchant), .text(channel.rawValue), .text(orderNo)])
        return try rows.first.map(Self.journalEntry)
    }

    public func entries(updatedFrom from: Date, to: Date) async throws -> [JournalEntry] {
        let rows = try await backend.read(
            "SELECT * FROM hispay_journal WHERE updated_at >= ? AND updated_at < ? ORDER BY updated_at, merchant, channel, order_no",
            [.integer(Self.millis(from)), .integer(Self.millis(to))])
        return try rows.map(Self.journalEntry)
    }

    public func dueEntries(at now: Date, limit: Int) async throws -> [JournalEntry] {
        let rows = try await backend.read(
            """
            SELECT * FROM hispay_journal WHERE state_rank <= ? AND (next_check_at IS NULL OR next_check_at <= ?)
            ORDER BY next_check_at, order_no LIMIT ?
            """, [.integer(Int64(OrderState.unknown.rank)), .integer(Self.millis(now)), .integer(Int64(limit))])
        return try rows.map(Self.journalEntry)
    }

    public func claimDueEntries(at now: Date, until: Date, limit: Int) async throws -> [JournalEntry] {
        let skipLocked = backend.dialect == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        let rows = try await backend.transaction { db in
            try await db.query(
                """
                UPDATE hispay_journal SET next_check_at = ? WHERE (merchant, channel, order_no) IN (
                    SELECT merchant, channel, order_no FROM hispay_journal WHERE state_rank <= ? AND (next_check_at IS NULL OR next_check_at <= ?)
                    ORDER BY next_check_at, order_no LIMIT ?\(skipLocked))
                RETURNING *
                """, [.integer(Self.millis(until)), .integer(Int64(OrderState.unknown.rank)), .integer(Self.millis(now)), .integer(Int64(limit))])
        }
        return try rows.map(Self.journalEntry).sorted { ($0.merchant, $0.channel.rawValue, $0.orderNo) < ($1.merchant, $1.channel.rawValue, $1.orderNo) }
    }

    public func acquireLease(_ name: String, holder: String, now: Date, until: Date) async throws -> Bool {
        let rows = try await backend.transaction { db in
            try await db.query(
                """
                INSERT INTO hispay_leases (name, holder, expires_at) VALUES (?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                WHERE hispay_leases.holder = excluded.holder OR hispay_leases.expires_at <= ?
                RETURNING holder
                """, [.text(name), .text(holder), .integer(Self.millis(until)), .integer(Self.millis(now))])
        }
        return rows.first?["holder"]?.text == holder
    }

    public func releaseLease(_ name: String, holder: String) async throws {
        try await backend.transaction { db in
            try await db.query("UPDATE hispay_leases SET expires_at = 0 WHERE name = ? AND holder = ?", [.text(name), .text(holder)])
        }
    }

    public func document(_ kind: String, id: String) async throws -> Data? {
        let rows = try await backend.read("SELECT body FROM hispay_documents WHERE kind = ? AND id = ?", [.text(kind), .text(id)])
        return rows.first?["body"]?.text.map { Data($0.utf8) }
    }

    public func documents(_ kind: String, idPrefix prefix: String) async throws -> [(id: String, body: Data)] {
        // LIKE with the prefix's own % and _ escaped; SQLite's LIKE ignores ASCII case, so the prefix
        // is checked again exactly.
        let pattern = prefix.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
        let rows = try await backend.read(
            "SELECT id, body FROM hispay_documents WHERE kind = ? AND id LIKE ? ESCAPE '\\' ORDER BY id", [.text(kind), .text(pattern)])
        return rows.compactMap { row in
            guard let id = row["id"]?.text, id.hasPrefix(prefix), let body = row["body"]?.text else { return nil }
            return (id, Data(body.utf8))
        }
    }

    public func saveDocument(_ kind: String, id: String, _ body: Data) async throws {
        guard let text = String(validating: body, as: UTF8.self) else {
            throw StoreError(.corruptRow, "document \(kind)/\(id) is not UTF-8 text")
        }
        try await backend.transaction { db in
            try await db.query(
                """
                INSERT INTO hispay_documents (kind, id, body, updated_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at
                """, [.text(kind), .text(id), .text(text), .integer(Self.millis(Date()))])
        }
    }

    public func close() async throws { try await backend.close() }

    /// Housekeeping of the monthly partitions of events and journal on PostgreSQL (README § Durable state),
    /// which `hispay serve` runs when it starts and every hour: makes the partitions of `now`'s month and
    /// the next two, and, with `retentionMonths`, detaches the months wholly before the last
    /// `retentionMonths` (they stay as tables for the archive) and forgets their keys — except a journal
    /// month that still holds an open order. Returns the tables detached. On SQLite it does nothing.
    @discardableResult
    public func maintain(now: Date = Date(), retentionMonths: Int? = nil) async throws -> [String] {
        guard backend.dialect == .postgres else { return [] }
        let month = MonthlyPartitions.Month(now)
        try await backend.transaction { db in
            for partitions in [MonthlyPartitions.events, .journal] { try await partitions.ensure([month, month.next, month.next.next], db) }
        }
        guard let retentionMonths else { return [] }
        guard retentionMonths > 0 else { throw StoreError(.invalidSetting, "the retention is a positive number of months, not \(retentionMonths)") }
        let boundary = MonthlyPartitions.Month(index: month.index - retentionMonths + 1).start
        // A journal month still holding an open order (pending or unknown) stays: the resolver needs it.
        let open = "state_rank <= \(OrderState.unknown.rank)"
        return try await backend.transaction { db in
            try await MonthlyPartitions.events.detach(before: boundary, db) + MonthlyPartitions.journal.detach(before: boundary, keeping: open, db)
        }
    }

    // MARK: - Rows

    private func events(_ condition: String, after cursor: Int64, limit: Int) async throws -> [StoredEvent] {
        let rows = try await backend.read(
            "SELECT * FROM hispay_events WHERE \(condition) AND cursor > ? ORDER BY cursor LIMIT ?", [.integer(cursor), .integer(Int64(limit))])
        return try rows.map(Self.storedEvent)
    }

    /// A row of one merchant's channel by one more column: an event by its deduplication key, a
    /// journal entry by its order number.
    private struct RowKey: Hashable {
        let merchant: String, channel: String, number: String

        /// A condition matching any of `keys` on merchant, channel and `column`, with its binds.
        static func matching(_ keys: [RowKey], on column: String) -> (condition: String, binds: [SQLValue]) {
            (keys.map { _ in "(merchant = ? AND channel = ? AND \(column) = ?)" }.joined(separator: " OR "),
             keys.flatMap { [SQLValue.text($0.merchant), .text($0.channel), .text($0.number)] })
        }
    }

    /// The row values of a request's event, in the `INSERT`'s column order.
    private static func values(_ request: EventBatcher.Request) -> [SQLValue] {
        let event = request.event
        return [
            .text(request.merchant), .text(event.channel.rawValue), .text(event.deduplicationKey), .text(event.kind.name), .text(event.outTradeNo),
            event.transactionID.sql, event.outRefundNo.sql, event.amount.map { .integer($0.fen) } ?? .null, event.merchantID.sql,
            event.occurredAt.map { .integer(millis($0)) } ?? .null, .text(request.fields), .integer(millis(request.receivedAt)), request.quarantineReason.sql,
        ]
    }

    /// Quarantines, before they are inserted, the requests (of `indices`) that ask for the check and
    /// whose amount is not their journal entry's: one `SELECT` of the entries for the whole batch.
    private static func checkJournal(_ requests: inout [EventBatcher.Request], _ indices: [Int], _ db: any SQLExecutor) async throws {
        let checked = indices.filter { requests[$0].checksJournal && requests[$0].quarantineReason == nil && requests[$0].event.amount != nil }
        guard !checked.isEmpty else { return }
        func entry(_ request: EventBatcher.Request) -> RowKey {
            RowKey(merchant: request.merchant, channel: request.event.channel.rawValue, number: request.event.journalOrderNo)
        }
        let (condition, binds) = RowKey.matching(Array(Set(checked.map { entry(requests[$0]) })), on: "order_no")
        let rows = try await db.query("SELECT merchant, channel, order_no, amount_fen FROM hispay_journal WHERE " + condition, binds)
        var journaled: [RowKey: Amount] = [:]
        for row in rows {
            guard let merchant = row["merchant"]?.text, let channel = row["channel"]?.text, let orderNo = row["order_no"]?.text,
                let fen = row["amount_fen"]?.integer
            else { throw StoreError(.corruptRow, "journal row lacks a required column") }
            journaled[RowKey(merchant: merchant, channel: channel, number: orderNo)] = Amount(fen: fen)
        }
        for index in checked {
            if let amount = journaled[entry(requests[index])], amount != requests[index].event.amount {
                requests[index].quarantineReason = journalAmountMismatch(requests[index].event, journaled: amount)
            }
        }
    }

    /// An order's journal entry to move to `state` (if that is forward), as of `time`.
    private struct Move {
        let entry: RowKey
        let state: OrderState
        let time: Date
    }

    /// The moves an event makes: a payment to succeeded, a refund's own entry to succeeded or failed
    /// and its payment to refunded, a close to closed.
    private static func moves(_ db: any SQLExecutor, for event: CallbackEvent, merchant: String, at time: Date) async throws -> [Move] {
        var moves: [(String, OrderState)] = []
        switch event.kind {
        case .paymentSucceeded, .preAuthorizationFrozen, .preAuthorizationCaptured, .insuranceSettled:
            moves = [(event.outTradeNo, .succeeded)]
        case .paymentPending:
            moves = [(event.outTradeNo, .pending)]
        case .closed, .preAuthorizationReleased:
            moves = [(event.outTradeNo, .closed)]
        case .refundSucceeded:
            // The refunded payment is the refund entry's journaled parent when there is one: a
            // UnionPay refund notification names only the refund's own order id and `origQryId`.
            var payment = event.outTradeNo
            if let refundNo = event.outRefundNo,
                let parent = try await db.query(
                    "SELECT parent_order_no FROM hispay_journal WHERE merchant = ? AND channel = ? AND order_no = ?",
                    [.text(merchant), .text(event.channel.rawValue), .text(refundNo)]
                ).first?["parent_order_no"]?.text
            {
                payment = parent
            }
            moves = (payment == event.outRefundNo ? [] : [(payment, .refunded)]) + (event.outRefundNo.map { [($0, .succeeded)] } ?? [])
        case .refundFailed:
            moves = event.outRefundNo.map { [($0, .failed)] } ?? []
        default:
            moves = []
        }
        return moves.map { Move(entry: RowKey(merchant: merchant, channel: event.channel.rawValue, number: $0), state: $1, time: time) }
    }

    /// Moves journal entries forward, never back, in one `UPDATE … FROM` for a whole batch. Applied
    /// one after another, moves of one entry leave it at the highest-ranked state, dated by the
    /// first move to reach it: that move alone is kept per entry.
    private static func advance(_ db: any SQLExecutor, _ moves: [Move]) async throws {
        var kept: [RowKey: Move] = [:]
        var order: [RowKey] = []
        for move in moves {
            guard let held = kept[move.entry] else {
                kept[move.entry] = move
                order.append(move.entry)
                continue
            }
            if move.state.rank > held.state.rank { kept[move.entry] = move }
        }
        guard !order.isEmpty else { return }
        let rows = Array(repeating: "SELECT ?, ?, ?, ?, CAST(? AS BIGINT), CAST(? AS BIGINT)", count: order.count - 1)
        try await db.query(
            """
            UPDATE hispay_journal SET state = v.state, state_rank = v.state_rank, updated_at = v.updated_at
            FROM (SELECT ? AS merchant, ? AS channel, ? AS order_no, ? AS state, CAST(? AS BIGINT) AS state_rank, CAST(? AS BIGINT) AS updated_at
                \(rows.map { "UNION ALL " + $0 }.joined(separator: " "))) AS v
            WHERE hispay_journal.merchant = v.merchant AND hispay_journal.channel = v.channel AND hispay_journal.order_no = v.order_no
                AND hispay_journal.state_rank < v.state_rank
            """,
            order.flatMap { entry -> [SQLValue] in
                let move = kept[entry]!
                return [
                    .text(entry.merchant), .text(entry.channel), .text(entry.number), .text(move.state.name), .integer(Int64(move.state.rank)),
                    .integer(millis(move.time)),
                ]
            })
    }

    private static func storedEvent(_ row: [String: SQLValue]) throws -> StoredEvent {
        func text(_ key: String) throws -> String {
            guard let value = row[key]?.text else { throw StoreError(.corruptRow, "event row lacks \(key)") }
            return value
        }
        let fieldsText = try text("fields")
        guard let fields = try? JSONDecoder().decode([String: String].self, from: Data(fieldsText.utf8)) else {
            throw StoreError(.corruptRow, "event fields are not a JSON object of strings")
        }
        let event = CallbackEvent(
            kind: CallbackEvent.Kind(try text("kind")), channel: ChannelID(try text("channel")), deduplicationKey: try text("dedup_key"),
            outTradeNo: try text("out_trade_no"), transactionID: row["transaction_id"]?.text, outRefundNo: row["out_refund_no"]?.text,
            amount: row["amount_fen"]?.integer.map(Amount.init(fen:)), merchantID: row["merchant_id"]?.text,
            occurredAt: row["occurred_at"]?.integer.map(date), fields: fields)
        guard let cursor = row["cursor"]?.integer, let received = row["received_at"]?.integer else {
            throw StoreError(.corruptRow, "event row lacks cursor or received_at")
        }
        return StoredEvent(cursor: cursor, merchant: try text("merchant"), event: event, receivedAt: date(received), quarantineReason: row["quarantine"]?.text)
    }

    private static func journalEntry(_ row: [String: SQLValue]) throws -> JournalEntry {
        guard let merchant = row["merchant"]?.text, let channel = row["channel"]?.text, let orderNo = row["order_no"]?.text,
            let operation = row["operation"]?.text, let amount = row["amount_fen"]?.integer, let state = row["state"]?.text,
            let updated = row["updated_at"]?.integer, let attempts = row["attempts"]?.integer
        else { throw StoreError(.corruptRow, "journal row lacks a required column") }
        return JournalEntry(
            merchant: merchant, channel: ChannelID(channel), orderNo: orderNo, operation: ChannelOperation(operation), amount: Amount(fen: amount),
            state: OrderState.named(state), expiresAt: row["expires_at"]?.integer.map(date), updatedAt: date(updated), attempts: Int(attempts),
            nextCheckAt: row["next_check_at"]?.integer.map(date), parentOrderNo: row["parent_order_no"]?.text,
            scene: row["scene"]?.text.map(PaymentScene.Kind.init), requestTime: row["request_time"]?.integer.map(date))
    }

    static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
    static func date(_ millis: Int64) -> Date { Date(timeIntervalSince1970: Double(millis) / 1000) }
}

extension JSONEncoder {
    /// Keys sorted, so a stored document's text is stable.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
