import Foundation
import HISPayCore
import HISPayStore
import HISPayTestSupport
import Testing

/// Issue 23: on PostgreSQL the events and the journal are partitioned by (Beijing) month — declarative
/// range partitioning, https://www.postgresql.org/docs/current/ddl-partitioning.html — with their keys
/// kept across months, partitions made ahead and on demand, old months detached for the archive (a
/// journal month with an open order kept), existing rows carried over by the migrations, and events
/// committed in cursor order across nodes.
@Suite struct MonthlyPartitionTests {
    /// 2026-11-22 10:00 Beijing.
    static let now = Date(timeIntervalSince1970: 1_795_312_800)

    static func paid(_ orderNo: String) -> CallbackEvent {
        CallbackEvent(kind: .paymentSucceeded, channel: .wechatPay, deduplicationKey: "wechatpay:\(orderNo):SUCCESS", outTradeNo: orderNo, amount: Amount(fen: 1230))
    }

    /// The partitions of `hispay_events` and their row counts.
    static func partitions(_ backend: PostgresBackend) async throws -> [String: Int64] {
        let rows = try await backend.read(
            "SELECT tableoid::regclass::text AS name, COUNT(*) AS n FROM hispay_events GROUP BY tableoid", [])
        var counts: [String: Int64] = [:]
        for row in rows { if case .text(let name)? = row["name"], case .integer(let n)? = row["n"] { counts[name] = n } }
        return counts
    }

    /// Beijing months counted from the month after the real one (the migration puts everything up to
    /// the end of the month it runs in into one partition): the start of month `offset`, and its name.
    static func month(_ offset: Int) -> (start: Date, name: String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 8 * 3600)!
        let thisMonth = calendar.date(from: calendar.dateComponents([.year, .month], from: Date()))!
        let start = calendar.date(byAdding: .month, value: offset + 1, to: thisMonth)!
        let parts = calendar.dateComponents([.year, .month], from: start)
        return (start, String(format: "hispay_events_%04d%02d", parts.year!, parts.month!))
    }

    @Test func aRetryInTheNextMonthIsTheSameEventAndOldMonthsAreDetached() async throws {
        let location = try await TestStores.location(.postgres)
        let store = try await SQLPaymentStore.open(location)
        let backend = try await PostgresBackend.open(url: location)
        let old = try await store.record(Self.paid("REG-OLD"), merchant: "main", receivedAt: Self.month(0).start.addingTimeInterval(3600), quarantineReason: nil)
        // The same callback either side of a month's end, Beijing time: one event.
        let lastSecond = Self.month(2).start.addingTimeInterval(-1), firstSecond = Self.month(2).start.addingTimeInterval(1)
        let first = try await store.record(Self.paid("REG1"), merchant: "main", receivedAt: lastSecond, quarantineReason: nil)
        let retry = try await store.record(Self.paid("REG1"), merchant: "main", receivedAt: firstSecond, quarantineReason: nil)
        #expect(first.isNew && !retry.isNew && retry.event.cursor == first.event.cursor)
        // A month far ahead gets its partition on demand too.
        _ = try await store.record(Self.paid("REG-FAR"), merchant: "main", receivedAt: Self.month(13).start, quarantineReason: nil)
        _ = try await store.record(Self.paid("REG2"), merchant: "main", receivedAt: firstSecond, quarantineReason: nil)
        let counts = try await Self.partitions(backend)
        #expect(counts == [Self.month(0).name: 1, Self.month(1).name: 1, Self.month(2).name: 1, Self.month(13).name: 1], "\(counts)")
        #expect(try await store.events(after: 0, limit: 10).map(\.event.outTradeNo) == ["REG-OLD", "REG1", "REG-FAR", "REG2"])

        // Maintenance in month 2 makes months 3 and 4 ahead, and with a 2-month retention detaches
        // what ends before month 1: month 0 (and the migration's partition) leave the live table; the tables stay.
        let detached = try await store.maintain(now: firstSecond, retentionMonths: 2)
        #expect(detached.contains(Self.month(0).name) && detached.contains { $0.hasPrefix("hispay_events_until_") }, "\(detached)")
        #expect(try await store.events(after: 0, limit: 10).map(\.event.outTradeNo) == ["REG1", "REG-FAR", "REG2"])
        #expect(try await backend.read("SELECT out_trade_no FROM \(Self.month(0).name)", []).count == 1)
        let made = try await backend.read("SELECT relname FROM pg_class WHERE relname IN ('\(Self.month(3).name)', '\(Self.month(4).name)')", [])
        #expect(made.count == 2)
        // Its key is forgotten with it (channels resend for a day, not months): the same callback now is a new event.
        #expect(try await store.record(Self.paid("REG-OLD"), merchant: "main", receivedAt: firstSecond, quarantineReason: nil).event.cursor > old.event.cursor)
        await #expect(throws: StoreError.self) { try await store.maintain(now: firstSecond, retentionMonths: 0) }
        try await store.close()
        try await backend.close()
    }

    /// An order journaled in one month and settled in the next is one entry; a journal month holding
    /// an open order outlives the retention, a settled month does not.
    @Test func anOrderIsOneEntryAcrossMonthsAndAnOpenOneKeepsItsMonth() async throws {
        let location = try await TestStores.location(.postgres)
        let store = try await SQLPaymentStore.open(location)
        let backend = try await PostgresBackend.open(url: location)
        func entry(_ orderNo: String, _ state: OrderState, at date: Date) -> JournalEntry {
            JournalEntry(merchant: "main", channel: .wechatPay, orderNo: orderNo, operation: .pay, amount: Amount(fen: 1230), state: state, updatedAt: date)
        }
        try await store.save(entry("SETTLED", .sending, at: Self.month(0).start.addingTimeInterval(60)))
        try await store.save(entry("SETTLED", .succeeded, at: Self.month(1).start.addingTimeInterval(60)))
        try await store.save(entry("OPEN", .unknown, at: Self.month(1).start.addingTimeInterval(120)))
        #expect(try await store.entry(merchant: "main", channel: .wechatPay, orderNo: "SETTLED")?.state == .succeeded)
        let rows = try await backend.read("SELECT tableoid::regclass::text AS name, order_no FROM hispay_journal ORDER BY order_no", [])
        #expect(rows.count == 2)
        #expect(rows.first?["name"] == .text(Self.month(1).name.replacingOccurrences(of: "events", with: "journal")))  // OPEN
        #expect(rows.last?["name"] == .text(Self.month(0).name.replacingOccurrences(of: "events", with: "journal")))  // SETTLED, by its first month

        // Retention of one month in month 3: month 0 (settled) is detached, month 1 (OPEN) is kept.
        let detached = try await store.maintain(now: Self.month(3).start.addingTimeInterval(60), retentionMonths: 1)
        #expect(detached.contains(Self.month(0).name.replacingOccurrences(of: "events", with: "journal")), "\(detached)")
        #expect(!detached.contains(Self.month(1).name.replacingOccurrences(of: "events", with: "journal")), "\(detached)")
        #expect(try await store.entry(merchant: "main", channel: .wechatPay, orderNo: "SETTLED") == nil)
        #expect(try await store.claimDueEntries(at: Self.month(3).start, until: Self.month(3).start.addingTimeInterval(60), limit: 10).map(\.orderNo) == ["OPEN"])
        try await store.close()
        try await backend.close()
    }

    /// A store at schema version 5 (one events table, one journal) is migrated with its rows, cursors and
    /// deduplication keys: a resend of a stored callback stays a duplicate, new events follow.
    @Test func theMigrationCarriesExistingEventsOver() async throws {
        let location = try await TestStores.location(.postgres)
        let backend = try await PostgresBackend.open(url: location)
        let migrations = StoreSchema.migrations(.postgres)
        try await backend.transaction { db in
            try await db.query("CREATE TABLE hispay_schema (version BIGINT NOT NULL)", [])
            for (index, statements) in migrations.prefix(5).enumerated() {
                for statement in statements { try await db.query(statement, []) }
                try await db.query("INSERT INTO hispay_schema (version) VALUES (?)", [.integer(Int64(index + 1))])
            }
            for number in 1...3 {
                try await db.query(
                    "INSERT INTO hispay_events (merchant, channel, dedup_key, kind, out_trade_no, fields, received_at) VALUES ('main', 'wechatpay', ?, 'paymentSucceeded', ?, '{}', ?)",
                    [.text("wechatpay:OLD\(number):SUCCESS"), .text("OLD\(number)"), .integer(1_790_000_000_000 + Int64(number))])
            }
            try await db.query(
                "INSERT INTO hispay_journal (merchant, channel, order_no, operation, amount_fen, state, state_rank, updated_at, attempts) VALUES ('main', 'wechatpay', 'OLD1', 'pay', 1230, 'sending', 1, 1790000000000, 0)",
                [])
        }
        let store = try await SQLPaymentStore.open(location)
        #expect(try await store.events(after: 0, limit: 10).map(\.cursor) == [1, 2, 3])
        #expect(try await !store.record(Self.paid("OLD2"), merchant: "main", receivedAt: Self.now, quarantineReason: nil).isNew)
        let new = try await store.record(Self.paid("NEW1"), merchant: "main", receivedAt: Self.now, quarantineReason: nil)
        #expect(new.isNew && new.event.cursor > 3)
        #expect(try await Self.partitions(backend).keys.allSatisfy { $0.hasPrefix("hispay_events_until_") })
        // The journal entry came over too: the event OLD1 was recorded before; a save moves it on.
        var old = try #require(try await store.entry(merchant: "main", channel: .wechatPay, orderNo: "OLD1"))
        old.state = .succeeded
        try await store.save(old)
        #expect(try await store.entry(merchant: "main", channel: .wechatPay, orderNo: "OLD1")?.state == .succeeded)
        #expect(try await backend.read("SELECT order_no FROM hispay_journal_keys", []).count == 1)
        try await store.close()
        try await backend.close()
    }

    /// Eight nodes record 2,400 callbacks at once while a reader pages through `events(after:)` as the
    /// HIS and the forwarder do: it must see every event. Without the order lock a transaction that
    /// took its cursor first may commit after a later one, and the reader passes it for good.
    @Test func aReaderFollowingTheCursorMissesNoEventWhileEightNodesRecord() async throws {
        let location = try await TestStores.location(.postgres)
        var nodes: [SQLPaymentStore] = []
        for _ in 0..<8 { nodes.append(try await SQLPaymentStore.open(location)) }
        let reader = try await SQLPaymentStore.open(location)
        let writers = nodes
        let done = ManagedFlag()
        let writing = Task {
            defer { done.set() }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<48 {
                    group.addTask {
                        for number in 0..<50 {
                            _ = try await writers[task % writers.count].record(Self.paid("N\(task)-\(number)"), merchant: "main", receivedAt: Self.now, quarantineReason: nil)
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        var seen: Set<String> = [], cursor: Int64 = 0
        func readOn() async throws {
            while case let page = try await reader.events(after: cursor, limit: 100), !page.isEmpty {
                seen.formUnion(page.map(\.event.outTradeNo))
                cursor = page.last!.cursor
            }
        }
        while !done.isSet { try await readOn() }
        try await writing.value
        try await readOn()
        #expect(seen.count == 2400, "the reader missed \(2400 - seen.count) events")
        for store in nodes + [reader] { try await store.close() }
    }

    /// A flag one task sets and another polls.
    final class ManagedFlag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        var isSet: Bool { lock.withLock { value } }
        func set() { lock.withLock { value = true } }
    }
}
