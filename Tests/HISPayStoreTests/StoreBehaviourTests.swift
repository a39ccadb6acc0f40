import Foundation
import HISPayCore
import HISPayStore
import HISPayTestSupport
import Testing

/// The store's behaviour, the same on SQLite and on a real PostgreSQL server.
@Suite struct StoreBehaviourTests {
    static let now = Date(timeIntervalSince1970: 1_795_312_800)

    static func paid(_ orderNo: String = "REG1", amount: Int64 = 1230, key: String? = nil) -> CallbackEvent {
        CallbackEvent(
            kind: .paymentSucceeded, channel: .wechatPay, deduplicationKey: key ?? "wechatpay:\(orderNo):SUCCESS", outTradeNo: orderNo,
            transactionID: "4200002026112212345678", amount: Amount(fen: amount), merchantID: "1900000001", occurredAt: now,
            fields: ["trade_state": "SUCCESS"])
    }

    static func refunded(_ orderNo: String = "REG1", refundNo: String = "REG1R1") -> CallbackEvent {
        CallbackEvent(
            kind: .refundSucceeded, channel: .wechatPay, deduplicationKey: "wechatpay:\(refundNo):SUCCESS", outTradeNo: orderNo,
            outRefundNo: refundNo, amount: Amount(fen: 1230))
    }

    /// A journal entry; a refund's `parent` is the payment it refunds.
    static func entry(_ orderNo: String = "REG1", state: OrderState = .sending, operation: ChannelOperation = .pay, parent: String? = nil) -> JournalEntry {
        var entry = JournalEntry(merchant: "main", channel: .wechatPay, orderNo: orderNo, operation: operation, amount: Amount(fen: 1230), state: state, updatedAt: now)
        entry.parentOrderNo = parent
        return entry
    }

    @Test(arguments: [SQLDialect.sqlite, .postgres])
    func theSameCallbackFiftyTimesAtOnceIsRecordedOnce(dialect: SQLDialect) async throws {
        let store = try await TestStores.open(dialect)
        let recordings = try await withThrowingTaskGroup(of: EventRecording.self) { group in
            for _ in 0..<50 {
                group.addTask { try await store.record(Self.paid(), merchant: "main", receivedAt: Self.now, quarantineReason: nil) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(recordings.count == 50)
        #expect(recordings.filter(\.isNew).count == 1)
        #expect(Set(recordings.map(\.event.cursor)).count == 1)
        let events = try await store.events(after: 0, limit: 100)
        #expect(events.count == 1)
        #expect(events.first?.event == Self.paid())
        #expect(events.first?.receivedAt == Self.now)
        try await store.close()
    }

    /// Callbacks arriving together are written together (group commit): 600 distinct ones — more
    /// than one batch holds — each sent twice at once, a tenth quarantined. Each is one event with one
    /// cursor, exactly one of its two recordings is new, and the journal moved for the unquarantined
    /// ones only.
    @Test(arguments: [SQLDialect.sqlite, .postgres])
    func callbacksArrivingTogetherAreEachRecordedOnce(dialect: SQLDialect) async throws {
        let store = try await TestStores.open(dialect)
        let count = 600
        for number in 0..<count { try await store.save(Self.entry("REG\(number)")) }
        let recordings = try await withThrowingTaskGroup(of: (Int, EventRecording).self) { group in
            for number in 0..<count {
                for _ in 0..<2 {
                    group.addTask {
                        (number, try await store.record(
                            Self.paid("REG\(number)"), merchant: "main", receivedAt: Self.now, quarantineReason: number % 10 == 0 ? "amount differs" : nil))
                    }
                }
            }
            return try await group.reduce(into: [Int: [EventRecording]]()) { $0[$1.0, default: []].append($1.1) }
        }
        #expect(recordings.count == count)
        #expect(recordings.values.allSatisfy { $0.count == 2 && $0.filter(\.isNew).count == 1 && $0[0].event == $0[1].event })
        #expect(Set(recordings.values.map { $0[0].event.cursor }).count == count)
        #expect(recordings.allSatisfy { $0.value[0].event.event.outTradeNo == "REG\($0.key)" })
        let events = try await store.events(after: 0, limit: 1000)
        let quarantined = try await store.quarantined(after: 0, limit: 1000)
        #expect(events.count == count - count / 10 && quarantined.count == count / 10)
        #expect(Set(events.map(\.event.outTradeNo)).count == events.count)
        for number in [0, 1, 255, 256, 599] {
            let state = try await store.entry(merchant: "main", channel: .wechatPay, orderNo: "REG\(number)")?.state
            #expect(state == (number % 10 == 0 ? .sending : .succeeded), "REG\(number)")
        }
        // Payments and their refunds arriving together: each order ends as if they came one by one.
        for number in 0..<40 {
            try await store.save(Self.entry("PAY\(number)"))
            try await store.save(Self.entry("PAY\(number)R1", state: .pending, operation: .refund, parent: "PAY\(number)"))
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for number in 0..<40 {
                group.addTask { _ = try await store.record(Self.refunded("PAY\(number)", refundNo: "PAY\(number)R1"), merchant: "main", receivedAt: Self.now, quarantineReason: nil) }
                group.addTask { _ = try await store.record(Self.paid("PAY\(number)"), merchant: "main", receivedAt: Self.now, quarantineReason: nil) }
            }
            try await group.waitForAll()
        }
        for number in 0..<40 {
            #expect(try await store.entry(merchant: "main", channel: .wechatPay, orderNo: "PAY\(number)")?.state == .refunded)
            #expect(try await store.entry(merchant: "main", channel: .wechatPay, orderNo: "PAY\(number)R1")?.state == .succeeded)
        }
        try await store.close()
    }

    /// The journal amount check happens in the recording transaction: of callbacks arriving together,
    /// those whose amount is not their entry's — a refund against its own entry — are quarantined with
    /// the reason, the others recorded and applied; a given reason is kept, an order without an entry
    /// is not checked.
    @Test(arguments: [SQLDialect.sqlite, .postgres])
    func amountsAreCheckedAgainstTheJournalWhereTheyAreRecorded(dialect: SQLDialect) async throws {
        let store = try await TestStores.open(dialect)
        try await store.save(Self.entry("REG1"))  // ¥12.30
        try await store.save(Self.entry("REG2"))
        var refund = Self.entry("REG1R1", state: .pending, operation: .refund)
        refund.amount = Amount(fen: 500)
        try await store.save(refund)
        let events = [
            Self.paid("REG1"), Self.paid("REG2", amount: 1), Self.refunded("REG1", refundNo: "REG1R1"), Self.paid("REG3", amount: 99),
        ]
        let recordings = try await withThrowingTaskGroup(of: (String, EventRecording).self) { group in
            for event in events {
                group.addTask {
                    (event.deduplicationKey, try await store.recordCheckingJournal(event, merchant: "main", receivedAt: Self.now, quarantineReason: nil))
                }
            }
            group.addTask {
                ("given", try await store.recordCheckingJournal(Self.paid("REG9", key: "given"), merchant: "main", receivedAt: Self.now, quarantineReason: "merchant id x"))
            }
            return try await group.reduce(into: [String: String?]()) { $0[$1.0] = $1.1.event.quarantineReason }
        }
        #expect(recordings[Self.paid("REG1").deduplicationKey] == .some(nil))
        #expect(recordings[Self.paid("REG2").deduplicationKey] == .some("amount ¥0.01 is not the journaled ¥12.30 for REG2"))
        #expect(recordings[Self.refunded("REG1", refundNo: "REG1R1").deduplicationKey] == .some("amount ¥12.30 is not the journaled ¥5.00 for REG1R1"))
        #expect(recordings[Self.paid("REG3").deduplicationKey] == .some(nil))
        #expect(recordings["given"] == .some("merchant id x"))
        #expect(try await store.entry(merchant: "main", channel: .wechatPay, orderNo: "REG1")?.state == .succeeded)
        #expect(try await store.entry(merchant: "main", channel: .wechatPay, orderNo: "REG2")?.state == .sending)
        #expect(try await store.entry(merchant: "main", channel: .wechatPay, orderNo: "REG1R1")?.state == .pending)
        try await store.close()
    }

    /// A row the database refuses (PostgreSQL refuses a NUL character in text) fails its own
    /// callback only: the batch it arrived with is written again callback by callback.
    @Test func aRowTheDatabaseRefusesFailsOnlyItsOwnCallback() async throws {
        let store = try await TestStores.open(.postgres)
        let results = await withTaskGroup(of: (String, Bool).self) { group in
            for number in 0..<40 {
                let orderNo = number == 17 ? "REG\u{0}17" : "REG\(number)"
                group.addTask {
                    let recorded = try? await store.record(Self.paid(orderNo), merchant: "main", receivedAt: Self.now, quarantineReason: nil)
                    return (orderNo, recorded?.isNew == true)
                }
            }
            return await group.reduce(into: [String: Bool]()) { $0[$1.0] = $1.1 }
        }
        #expect(results.filter(\.value).count == 39)
        #expect(results["REG\u{0}17"] == false)
        #expect(try await store.events(after: 0, limit: 100).count == 39)
        try await store.close()
    }

    @Test(arguments: [SQLDialect.sqlite, .postgres])
    func eventsComeInCursorOrderAfterTheLastOneSeen(dialect: SQLDialect) async throws {
        let store = try await TestStores.open(dialect)
        for number in 1...5 {
            _ = try await store.record(Self.paid("REG\(number)"), merchant: "main", receivedAt: Self.now, quarantineReason: nil)
        }
        let first = try await store.events(after: 0, limit: 2)
        #expect(first.map(\.event.outTradeNo) == ["REG1", "REG2"])
        let rest = try await store.events(after: try #require(first.last?.cursor), limit: 10)
        #expect(rest.map(\.event.outTradeNo) == ["REG3", "REG4", "REG5"])
        #expect(try await store.events(after: try #require(rest.last?.cursor), limit: 10).isEmpty)
        try await store.close()
    }

    @Test(arguments: [SQLDialect.sqlite, .postgres])
    func aRefundBeforeItsPaymentNeverRegressesTheOrder(dialect: SQLDialect) async throws {
        let store = try await TestStores.open(dialect)
        try await store.save(Self.entry())
        try await store.save(Self.entry("REG1R1", operation: .refund))
        _ = try await store.record(Self.refunded(), merchant: "main", receivedAt: Self.now, quarantineReason: nil)
        _ = try await store.record(Self.paid(), merchant: "main", receivedAt: Self.now, quarantineReason: nil)
        #expect(try await store.entry(merchant: "main", channel: .wechatPay, orderNo: "REG1")?.state == .refunded)
        #expect(try await store.entry(merchant: "main", channel: .wechatPay, orderNo: "REG1R1")?.state == .succeeded)
        #expect(try await store.events(after: 0, limit: 10).map(\.event.kind) == [.refundSucceeded, .paymentSucceeded])
        try await store.close()
    }

    /// UnionPay's refund notification names the refund's own order id (and the original's queryId):
    /// the journal's parent link finds the payment.
    @Test(arguments: [SQLDialect.sqlite, .postgres])
    func aRefundNamingOnlyItselfRefundsItsJournaledParent(dialect: SQLDialect) async throws {
        let store = try await TestStores.open(dialect)
        try await store.save(Self.entry(state: .succeeded))
        try await store.save(Self.entry("REG1R1", state: .pending, operation: .refund, parent: "REG1"))
        _ = try await store.record(Self.refunded("REG1R1"), merchant: "main", receivedAt: Self.now, quarantineReason: nil)
        #expect(try await store.entry(merchant: "main", channel: .wechatPay, orderNo: "REG1")?.state == .refunded)
        #expect(try await store.entry(merchant: "main", channel: .wechatPay, orderNo: "REG1R1")?.state == .succeeded)
        try await store.close()
    }

    @Test(arguments: [SQLDialect.sqlite, .postgres])
    func aJournalWriteNeverUndoesWhatACallbackAdvanced(dialect: SQLDialect) async throws {
        let store = try await TestStores.open(dialect)
        try await store.save(Self.entry())
        _ = try await store.record(Self.paid(), merchant: "main", receivedAt: Self.now, quarantineReason: nil)
        var late = Self.entry(state: .pending)
        late.attempts = 1
        try await store.save(late)  // the pay call's own answer, arriving after the callback
        let entry = try #require(try await store.entry(merchant: "main", channel: .wechatPay, orderNo: "REG1"))
        #expect(entry.state == .succeeded)
        #expect(entry.attempts == 1)
        try await store.close()
    }

    @Test(arguments: [SQLDialect.sqlite, .postgres])
    func quarantinedEventsAreKeptApartAndNotApplied(dialect: SQLDialect) async throws {
        let store = try await TestStores.open(dialect)
        try await store.save(Self.entry())
        let recorded = try await store.record(Self.paid(amount: 1), merchant: "main", receivedAt: Self.now, quarantineReason: "amount ¥0.01 ≠ journal ¥12.30")
        #expect(recorded.isNew)
        #expect(try await store.events(after: 0, limit: 10).isEmpty)
        let quarantined = try await store.quarantined(after: 0, limit: 10)
        #expect(quarantined.map(\.quarantineReason) == ["amount ¥0.01 ≠ journal ¥12.30"])
        #expect(try await store.entry(merchant: "main", channel: .wechatPay, orderNo: "REG1")?.state == .sending)
        try await store.close()
    }

    @Test(arguments: [SQLDialect.sqlite, .postgres])
    func dueEntriesAreThoseStillOpenWhoseCheckIsDue(dialect: SQLDialect) async throws {
        let store = try await TestStores.open(dialect)
        var due = Self.entry("A", state: .unknown)
        due.nextCheckAt = Self.now.addingTimeInterval(-1)
        var later = Self.entry("B", state: .pending)
        later.nextCheckAt = Self.now.addingTimeInterval(60)
        for entry in [due, later, Self.entry("C", state: .succeeded)] { try await store.save(entry) }
        #expect(try await store.dueEntries(at: Self.now, limit: 10).map(\.orderNo) == ["A"])
        #expect(try await store.dueEntries(at: Self.now.addingTimeInterval(61), limit: 10).map(\.orderNo) == ["A", "B"])
        try await store.close()
    }

    /// Resolvers on several nodes claim due entries: 40 claims at once over 30 due entries share
    /// none of them, every due entry is claimed once, and a claimed entry is due again when its claim
    /// runs out (its resolver died) — not before.
    @Test(arguments: [SQLDialect.sqlite, .postgres])
    func concurrentClaimsShareNoEntryAndAClaimRunsOut(dialect: SQLDialect) async throws {
        let store = try await TestStores.open(dialect)
        for number in 0..<30 {
            var entry = Self.entry("D\(number)", state: .unknown)
            entry.nextCheckAt = Self.now.addingTimeInterval(-1)
            try await store.save(entry)
        }
        try await store.save(Self.entry("SETTLED", state: .succeeded))
        let until = Self.now.addingTimeInterval(120)
        let claims = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<40 { group.addTask { try await store.claimDueEntries(at: Self.now, until: until, limit: 3).map(\.orderNo) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let claimed = claims.flatMap { $0 }
        #expect(claimed.count == 30 && Set(claimed).count == 30, "\(claims)")
        #expect(claims.allSatisfy { $0.count <= 3 })
        #expect(try await store.claimDueEntries(at: Self.now.addingTimeInterval(119), until: until, limit: 50).isEmpty)
        #expect(try await store.entry(merchant: "main", channel: .wechatPay, orderNo: "D7")?.nextCheckAt == until)
        let again = try await store.claimDueEntries(at: until, until: until.addingTimeInterval(120), limit: 50)
        #expect(again.count == 30 && again.allSatisfy { $0.state == .unknown })
        try await store.close()
    }

    /// One holder at a time: of 20 nodes asking at once one gets the lease; it renews it; another
    /// takes it only once it has run out, or at once after its holder released it.
    @Test(arguments: [SQLDialect.sqlite, .postgres])
    func aLeaseHasOneHolderUntilItRunsOutOrIsReleased(dialect: SQLDialect) async throws {
        let store = try await TestStores.open(dialect)
        let until = Self.now.addingTimeInterval(10)
        let winners = try await withThrowingTaskGroup(of: String?.self) { group in
            for node in 0..<20 {
                group.addTask { try await store.acquireLease("forward:his", holder: "node-\(node)", now: Self.now, until: until) ? "node-\(node)" : nil }
            }
            return try await group.reduce(into: [String]()) { if let winner = $1 { $0.append(winner) } }
        }
        let holder = try #require(winners.count == 1 ? winners.first : nil, "\(winners)")
        let other = holder == "node-0" ? "node-1" : "node-0"
        #expect(try await store.acquireLease("forward:his", holder: holder, now: Self.now.addingTimeInterval(5), until: until.addingTimeInterval(5)))
        #expect(try await !store.acquireLease("forward:his", holder: other, now: until.addingTimeInterval(1), until: until.addingTimeInterval(20)))
        #expect(try await store.acquireLease("forward:other-url", holder: other, now: Self.now, until: until))
        #expect(try await store.acquireLease("forward:his", holder: other, now: until.addingTimeInterval(5), until: until.addingTimeInterval(20)))
        try await store.releaseLease("forward:his", holder: holder)  // no longer its lease: changes nothing
        #expect(try await !store.acquireLease("forward:his", holder: holder, now: until.addingTimeInterval(6), until: until.addingTimeInterval(20)))
        try await store.releaseLease("forward:his", holder: other)
        #expect(try await store.acquireLease("forward:his", holder: holder, now: until.addingTimeInterval(6), until: until.addingTimeInterval(20)))
        try await store.close()
    }

    @Test(arguments: [SQLDialect.sqlite, .postgres])
    func documentsRoundTripAndMigrationsApplyOnce(dialect: SQLDialect) async throws {
        let location = try await TestStores.location(dialect)
        let store = try await SQLPaymentStore.open(location)
        try await store.saveDocument("checkout", id: "RCPT1", Data(#"{"step":"started"}"#.utf8))
        try await store.saveDocument("checkout", id: "RCPT1", Data(#"{"step":"completed"}"#.utf8))
        try await store.close()
        let reopened = try await SQLPaymentStore.open(location)  // the schema is already there: not applied again
        #expect(try await reopened.document("checkout", id: "RCPT1") == Data(#"{"step":"completed"}"#.utf8))
        #expect(try await reopened.document("checkout", id: "nope") == nil)
        try await reopened.backend.transaction { db in try await db.query("INSERT INTO hispay_schema (version) VALUES (99)", []) }
        try await reopened.close()
        let error = await #expect(throws: StoreError.self) { try await SQLPaymentStore.open(location) }
        #expect(error?.code == .schemaTooNew)
    }

    /// Listing by id prefix is exact: `%` and `_` in the prefix are literal, case counts (SQLite's
    /// LIKE would ignore it), another kind is not listed.
    @Test(arguments: [SQLDialect.sqlite, .postgres])
    func documentsAreListedByExactIdPrefix(dialect: SQLDialect) async throws {
        let store = try await TestStores.open(dialect)
        for id in ["north/2026-11-30/B1", "north/2026-11-30/B2", "North/2026-11-30/B3", "north/2026-12-01/B4", "no%th/2026-11-30/B5", "north_2026-11-30/B6"] {
            try await store.saveDocument("checkout.day", id: id, Data("{}".utf8))
        }
        try await store.saveDocument("checkout", id: "north/2026-11-30/B9", Data("{}".utf8))
        #expect(try await store.documents("checkout.day", idPrefix: "north/2026-11-30/").map(\.id) == ["north/2026-11-30/B1", "north/2026-11-30/B2"])
        #expect(try await store.documents("checkout.day", idPrefix: "no%th/").map(\.id) == ["no%th/2026-11-30/B5"])
        #expect(try await store.documents("checkout.day", idPrefix: "north_").map(\.id) == ["north_2026-11-30/B6"])
        #expect(try await store.documents("checkout.day", idPrefix: "south/").isEmpty)
        try await store.close()
    }

    @Test func badLocationsAreRefusedByName() async throws {
        for location in ["mysql://x", "sqlite:", "postgres://127.0.0.1/x"] {
            let error = await #expect(throws: StoreError.self) { try await SQLPaymentStore.open(location) }
            #expect(error?.code == .invalidLocation, "\(location)")
        }
        let unreachable = await #expect(throws: StoreError.self) { try await SQLPaymentStore.open("postgres://hispay@127.0.0.1:9/none?connect_timeout=2") }
        #expect(unreachable?.code == .unavailable)
    }
}
