import Foundation
import HISPayCore
import HISPayStore

/// The card's double-entry ledger in the payment store (SQLite or PostgreSQL): accounts, entries,
/// top-ups and the events already applied, in tables of its own (`hispay_card_…`, made when a
/// ledger first opens on a store).
///
/// Every movement is one transaction that first locks its card (PostgreSQL `FOR UPDATE`; SQLite
/// writes one transaction at a time), then looks its key up — a key already booked returns that
/// entry, so a retry never books twice — then checks the card's state and, for a debit, the balance
/// derived from the card's entries, and books the entry. Concurrent debits on one card therefore
/// serialize (no lost update, never negative), and a crash leaves either the whole entry or none.
public struct CardLedger: Sendable {
    /// A movement to book: ``CardEntry`` without the ledger's sequence and time.
    struct Movement: Sendable {
        var key: String
        var cardNo: String
        var kind: CardEntry.Kind
        var amount: Amount
        var debitAccount: String
        var creditAccount: String
        var orderNo: String
        var refundNo: String?
        var channel: String?
        /// Whether a frozen card refuses it: debits and withdrawals do; what is the patient's money
        /// coming back to the card (a confirmed top-up, a refund, a refused withdrawal) does not.
        var needsActiveCard: Bool
    }

    public let store: SQLPaymentStore
    public let merchant: String
    /// The clock entries are booked by.
    public let time: any TimeSource

    /// The ledger of `merchant` in `store`, its tables made if the store lacks them.
    public init(store: SQLPaymentStore, merchant: String, time: any TimeSource = SystemTimeSource()) async throws {
        self.store = store
        self.merchant = merchant
        self.time = time
        try await Self.migrate(store.backend)
    }

    private var backend: any SQLBackend { store.backend }
    private var locksRows: String { backend.dialect == .postgres ? " FOR UPDATE" : "" }

    // MARK: - Accounts

    /// Opens a card for a patient; refused when the number is taken or the patient already holds one.
    public func open(cardNo: String, patientID: String, idNumber: ResidentIDNumber?) async throws -> CardAccount {
        guard !cardNo.isEmpty, !patientID.isEmpty else { throw CardError(.unknownCard, "a card needs a card number and a patient id") }
        let (merchant, now) = (merchant, time.now())
        try await backend.transaction { db in
            let taken = try await db.query(
                "SELECT card_no, patient_id FROM hispay_card_accounts WHERE merchant = ? AND (card_no = ? OR patient_id = ?)",
                [.text(merchant), .text(cardNo), .text(patientID)])
            if let row = taken.first {
                throw row["card_no"]?.text == cardNo
                    ? CardError(.alreadyOpen, "card \(cardNo) is already open")
                    : CardError(.alreadyOpen, "patient \(patientID) already holds card \(row["card_no"]?.text ?? "")")
            }
            // Two opens at once (two nodes): the second meets the first's row and is refused the same way.
            let inserted = try await db.query(
                """
                INSERT INTO hispay_card_accounts (merchant, card_no, patient_id, id_number_masked, state, opened_at) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING RETURNING card_no
                """,
                [.text(merchant), .text(cardNo), .text(patientID), (idNumber?.masked).sql, .text(CardAccount.State.active.rawValue), .integer(Self.millis(now))])
            guard !inserted.isEmpty else { throw CardError(.alreadyOpen, "card \(cardNo), or a card of patient \(patientID), is already open") }
        }
        return try await account(cardNo)
    }

    /// The card and its balance; ``CardError/Code/unknownCard`` when there is none.
    public func account(_ cardNo: String) async throws -> CardAccount {
        let rows = try await backend.read(
            "SELECT patient_id, id_number_masked, state, opened_at FROM hispay_card_accounts WHERE merchant = ? AND card_no = ?", [.text(merchant), .text(cardNo)])
        guard let row = rows.first else { throw CardError(.unknownCard, "there is no card \(cardNo)") }
        let sums = try await backend.read(Self.balanceSQL, Self.balanceBinds(merchant: merchant, cardNo: cardNo))
        return CardAccount(
            cardNo: cardNo, patientID: row["patient_id"]?.text ?? "", maskedIDNumber: row["id_number_masked"]?.text,
            state: CardAccount.State(rawValue: row["state"]?.text ?? "") ?? .frozen, balance: Amount(fen: sums.first?["balance"]?.integer ?? 0),
            held: Amount(fen: sums.first?["held"]?.integer ?? 0), openedAt: Self.date(row["opened_at"]))
    }

    /// Freezes a card reported lost, or unfreezes it.
    public func setState(_ cardNo: String, _ state: CardAccount.State) async throws -> CardAccount {
        let merchant = merchant
        try await backend.transaction { db in
            let current = try await Self.lockCard(db, merchant: merchant, cardNo: cardNo, locks: locksRows)
            guard current != state else { throw CardError(.invalidState, "card \(cardNo) is already \(state.rawValue)") }
            try await db.query("UPDATE hispay_card_accounts SET state = ? WHERE merchant = ? AND card_no = ?", [.text(state.rawValue), .text(merchant), .text(cardNo)])
        }
        return try await account(cardNo)
    }

    // MARK: - Entries

    /// Books `movement` (see the type's overview): returns the entry booked under its key, new or
    /// earlier. `check` runs in the transaction, after the card is locked, before the balance check.
    @discardableResult
    func post(_ movement: Movement, check: (@Sendable (any SQLExecutor) async throws -> Void)? = nil) async throws -> CardEntry {
        try await book(movement, check: check).entry
    }

    /// ``post(_:check:)``, saying whether the entry is new (false: the key was booked before).
    func book(_ movement: Movement, check: (@Sendable (any SQLExecutor) async throws -> Void)? = nil) async throws -> (entry: CardEntry, isNew: Bool) {
        guard movement.amount.fen > 0 else { throw CardError(.invalidAmount, "an amount must be more than 0 fen, not \(movement.amount.fen)") }
        let (merchant, now, locks) = (merchant, time.now(), locksRows)
        return try await backend.transaction { db in
            let state = try await Self.lockCard(db, merchant: merchant, cardNo: movement.cardNo, locks: locks)
            if let booked = try await Self.entry(db, merchant: merchant, key: movement.key) {
                guard booked.cardNo == movement.cardNo, booked.kind == movement.kind, booked.amount == movement.amount, booked.orderNo == movement.orderNo else {
                    throw CardError(.numberReused, "\(movement.key) is already booked for \(booked.amount) on card \(booked.cardNo)")
                }
                return (booked, false)
            }
            if movement.needsActiveCard, state == .frozen { throw CardError(.frozenCard, "card \(movement.cardNo) is frozen") }
            try await check?(db)
            let card = CardEntry.account(ofCard: movement.cardNo)
            if movement.debitAccount == card {
                let balance = try await db.query(Self.balanceSQL, Self.balanceBinds(merchant: merchant, cardNo: movement.cardNo)).first?["balance"]?.integer ?? 0
                guard balance >= movement.amount.fen else {
                    throw CardError(.insufficientBalance, "card \(movement.cardNo) holds \(Amount(fen: balance)), short of \(movement.amount)")
                }
            }
            let rows = try await db.query(
                """
                INSERT INTO hispay_card_entries (merchant, entry_key, card_no, kind, amount_fen, debit_account, credit_account, order_no, refund_no,
                    channel, booked_at, business_day)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq
                """,
                [
                    .text(merchant), .text(movement.key), .text(movement.cardNo), .text(movement.kind.name), .integer(movement.amount.fen),
                    .text(movement.debitAccount), .text(movement.creditAccount), .text(movement.orderNo), movement.refundNo.sql, movement.channel.sql,
                    .integer(Self.millis(now)), .text(BeijingTime.day(now)),
                ])
            let entry = CardEntry(
                key: movement.key, sequence: rows.first?["seq"]?.integer ?? 0, cardNo: movement.cardNo, kind: movement.kind, amount: movement.amount,
                debitAccount: movement.debitAccount, creditAccount: movement.creditAccount, orderNo: movement.orderNo, refundNo: movement.refundNo,
                channel: movement.channel, bookedAt: Date(timeIntervalSince1970: Double(Self.millis(now)) / 1000))
            return (entry, true)
        }
    }

    /// The entry booked under `key`, if any.
    public func entry(key: String) async throws -> CardEntry? {
        try await backend.read("SELECT * FROM hispay_card_entries WHERE merchant = ? AND entry_key = ?", [.text(merchant), .text(key)]).first.map(Self.entry(from:))
    }

    /// A card's entries, oldest first.
    public func entries(cardNo: String) async throws -> [CardEntry] {
        try await backend.read("SELECT * FROM hispay_card_entries WHERE merchant = ? AND card_no = ? ORDER BY seq", [.text(merchant), .text(cardNo)])
            .map(Self.entry(from:))
    }

    /// Every entry booked on a Beijing day (`yyyy-MM-dd`), oldest first.
    public func entries(onDay day: String) async throws -> [CardEntry] {
        try await backend.read("SELECT * FROM hispay_card_entries WHERE merchant = ? AND business_day = ? ORDER BY seq", [.text(merchant), .text(day)])
            .map(Self.entry(from:))
    }

    /// What the cards held together at the start of a Beijing day (`yyyy-MM-dd`).
    public func cardsBalance(before day: String) async throws -> Amount {
        let rows = try await backend.read(
            """
            SELECT CAST(COALESCE(SUM(CASE WHEN credit_account = 'card:' || card_no THEN amount_fen WHEN debit_account = 'card:' || card_no THEN -amount_fen ELSE 0 END), 0) AS BIGINT) AS balance
            FROM hispay_card_entries WHERE merchant = ? AND business_day < ?
            """, [.text(merchant), .text(day)])
        return Amount(fen: rows.first?["balance"]?.integer ?? 0)
    }

    /// The entries of a refund's or debit's order (its `order_no`), oldest first.
    func entries(orderNo: String, cardNo: String? = nil) async throws -> [CardEntry] {
        try await backend.read("SELECT * FROM hispay_card_entries WHERE merchant = ? AND order_no = ? ORDER BY seq", [.text(merchant), .text(orderNo)])
            .map(Self.entry(from:)).filter { cardNo == nil || $0.cardNo == cardNo }
    }

    // MARK: - Top-ups

    /// A top-up as the ledger keeps it: the payment order that pays for it and what became of it.
    public struct TopUp: Sendable, Hashable {
        public enum State: String, Sendable, Hashable {
            /// Paid for by its payment order; not yet confirmed by the channel.
            case pending
            /// Confirmed by the channel and on the card.
            case credited
            /// The payment failed, was closed, or the channel confirmed another amount: nothing credited.
            case failed
        }

        public let cardNo: String
        /// `wechatpay`, `alipay`, `unionpay` or `cash`.
        public let channel: String
        public let orderNo: String
        public let amount: Amount
        public let state: State
        public let createdAt: Date
        /// Why a failed top-up failed.
        public let reason: String?
    }

    /// Records that `orderNo` on `channel` pays for a top-up of `cardNo`; the same again is taken,
    /// the number for another card or amount refused.
    func recordTopUp(cardNo: String, channel: String, orderNo: String, amount: Amount) async throws -> TopUp {
        guard amount.fen > 0 else { throw CardError(.invalidAmount, "a top-up must be more than 0 fen, not \(amount.fen)") }
        let (merchant, now, locks) = (merchant, time.now(), locksRows)
        try await backend.transaction { db in
            guard try await Self.lockCard(db, merchant: merchant, cardNo: cardNo, locks: locks) == .active else {
                throw CardError(.frozenCard, "card \(cardNo) is frozen")
            }
            if let existing = try await Self.topUp(db, merchant: merchant, channel: channel, orderNo: orderNo) {
                guard existing.cardNo == cardNo, existing.amount == amount else {
                    throw CardError(existing.cardNo == cardNo ? .numberReused : .wrongCard, "top-up \(orderNo) is for card \(existing.cardNo), \(existing.amount)")
                }
                return
            }
            try await db.query(
                "INSERT INTO hispay_card_topups (merchant, channel, order_no, card_no, amount_fen, state, created_at) VALUES (?, ?, ?, ?, ?, 'pending', ?)",
                [.text(merchant), .text(channel), .text(orderNo), .text(cardNo), .integer(amount.fen), .integer(Self.millis(now))])
        }
        guard let recorded = try await topUp(channel: channel, orderNo: orderNo) else { throw CardError(.unknownOrder, "top-up \(orderNo) was not recorded") }
        return recorded
    }

    public func topUp(channel: String, orderNo: String) async throws -> TopUp? {
        let rows = try await backend.read("SELECT * FROM hispay_card_topups WHERE merchant = ? AND channel = ? AND order_no = ?", [.text(merchant), .text(channel), .text(orderNo)])
        return rows.first.map(Self.topUp(from:))
    }

    /// A card's top-ups, newest first.
    public func topUps(cardNo: String) async throws -> [TopUp] {
        try await backend.read("SELECT * FROM hispay_card_topups WHERE merchant = ? AND card_no = ? ORDER BY created_at DESC, order_no DESC", [.text(merchant), .text(cardNo)])
            .map(Self.topUp(from:))
    }

    /// Top-ups not yet confirmed, oldest first.
    public func pendingTopUps() async throws -> [TopUp] {
        try await backend.read("SELECT * FROM hispay_card_topups WHERE merchant = ? AND state = 'pending' ORDER BY created_at", [.text(merchant)]).map(Self.topUp(from:))
    }

    /// Credits the top-up paid by `orderNo` on `channel` with what the channel confirmed — once:
    /// the entry's key is the order, so a confirmation seen again returns the first entry. A
    /// confirmed amount other than the top-up's credits nothing and fails the top-up. Says whether
    /// this call credited it.
    func credit(channel: String, orderNo: String, confirmed: Amount, cardNo expected: String? = nil) async throws -> (entry: CardEntry, isNew: Bool) {
        guard let topUp = try await topUp(channel: channel, orderNo: orderNo) else {
            throw CardError(.unknownOrder, "\(orderNo) on \(channel) pays for no top-up")
        }
        if let expected, expected != topUp.cardNo { throw CardError(.wrongCard, "top-up \(orderNo) is for card \(topUp.cardNo), not \(expected)") }
        guard confirmed == topUp.amount else {
            try await fail(channel: channel, orderNo: orderNo, reason: "the channel confirmed \(confirmed), not the top-up's \(topUp.amount)")
            throw CardError(.topUpNotPaid, "\(channel) confirmed \(confirmed) for \(orderNo), not the top-up's \(topUp.amount): nothing credited")
        }
        let merchant = merchant
        let movement = Movement(
            key: CardEntry.topUpKey(channel: channel, orderNo: orderNo), cardNo: topUp.cardNo, kind: .topUp, amount: topUp.amount, debitAccount: "topup:\(channel)",
            creditAccount: CardEntry.account(ofCard: topUp.cardNo), orderNo: orderNo, channel: channel, needsActiveCard: false)
        return try await book(movement) { db in
            let state = try await Self.topUp(db, merchant: merchant, channel: channel, orderNo: orderNo)?.state
            guard state != .failed else { throw CardError(.topUpNotPaid, "top-up \(orderNo) failed earlier: nothing credited") }
            try await db.query(
                "UPDATE hispay_card_topups SET state = 'credited' WHERE merchant = ? AND channel = ? AND order_no = ?", [.text(merchant), .text(channel), .text(orderNo)])
        }
    }

    /// Marks a pending top-up failed (its payment failed or was closed): nothing is credited.
    func fail(channel: String, orderNo: String, reason: String) async throws {
        try await backend.transaction { [merchant] db in
            try await db.query(
                "UPDATE hispay_card_topups SET state = 'failed', reason = ? WHERE merchant = ? AND channel = ? AND order_no = ? AND state = 'pending'",
                [.text(reason), .text(merchant), .text(channel), .text(orderNo)])
        }
    }

    /// The cards with a withdrawal refund still held, and when the oldest such hold was booked.
    func heldWithdrawals() async throws -> [(cardNo: String, since: Date)] {
        let rows = try await backend.read(
            """
            SELECT card_no, MIN(booked_at) AS since FROM hispay_card_entries held
            WHERE merchant = ? AND kind = 'withdrawalHeld' AND NOT EXISTS (
                SELECT 1 FROM hispay_card_entries done WHERE done.merchant = held.merchant AND done.card_no = held.card_no
                    AND done.refund_no = held.refund_no AND done.kind IN ('withdrawal', 'withdrawalReturned'))
            GROUP BY card_no ORDER BY card_no
            """, [.text(merchant)])
        return rows.map { ($0["card_no"]?.text ?? "", Self.date($0["since"])) }
    }

    // MARK: - Events applied

    /// The cursor of the last store event applied to the cards.
    func eventCursor() async throws -> Int64 {
        try await backend.read("SELECT after_cursor FROM hispay_card_cursor WHERE merchant = ?", [.text(merchant)]).first?["after_cursor"]?.integer ?? 0
    }

    func saveEventCursor(_ cursor: Int64) async throws {
        try await backend.transaction { [merchant] db in
            try await db.query(
                "INSERT INTO hispay_card_cursor (merchant, after_cursor) VALUES (?, ?) ON CONFLICT (merchant) DO UPDATE SET after_cursor = ?",
                [.text(merchant), .integer(cursor), .integer(cursor)])
        }
    }

    // MARK: - SQL

    /// The card's balance and what its withdrawals hold, from its entries.
    static let balanceSQL = """
        SELECT CAST(COALESCE(SUM(CASE WHEN credit_account = ? THEN amount_fen WHEN debit_account = ? THEN -amount_fen ELSE 0 END), 0) AS BIGINT) AS balance,
               CAST(COALESCE(SUM(CASE WHEN kind = 'withdrawalHeld' THEN amount_fen WHEN kind IN ('withdrawal', 'withdrawalReturned') THEN -amount_fen ELSE 0 END), 0) AS BIGINT) AS held
        FROM hispay_card_entries WHERE merchant = ? AND card_no = ?
        """

    static func balanceBinds(merchant: String, cardNo: String) -> [SQLValue] {
        let account = CardEntry.account(ofCard: cardNo)
        return [.text(account), .text(account), .text(merchant), .text(cardNo)]
    }

    /// Locks the card's row for the transaction and returns its state.
    private static func lockCard(_ db: any SQLExecutor, merchant: String, cardNo: String, locks: String) async throws -> CardAccount.State {
        let rows = try await db.query("SELECT state FROM hispay_card_accounts WHERE merchant = ? AND card_no = ?\(locks)", [.text(merchant), .text(cardNo)])
        guard let row = rows.first else { throw CardError(.unknownCard, "there is no card \(cardNo)") }
        return CardAccount.State(rawValue: row["state"]?.text ?? "") ?? .frozen
    }

    private static func entry(_ db: any SQLExecutor, merchant: String, key: String) async throws -> CardEntry? {
        try await db.query("SELECT * FROM hispay_card_entries WHERE merchant = ? AND entry_key = ?", [.text(merchant), .text(key)]).first.map(entry(from:))
    }

    private static func topUp(_ db: any SQLExecutor, merchant: String, channel: String, orderNo: String) async throws -> TopUp? {
        try await db.query("SELECT * FROM hispay_card_topups WHERE merchant = ? AND channel = ? AND order_no = ?", [.text(merchant), .text(channel), .text(orderNo)])
            .first.map(topUp(from:))
    }

    private static func entry(from row: [String: SQLValue]) -> CardEntry {
        CardEntry(
            key: row["entry_key"]?.text ?? "", sequence: row["seq"]?.integer ?? 0, cardNo: row["card_no"]?.text ?? "", kind: CardEntry.Kind(row["kind"]?.text ?? ""),
            amount: Amount(fen: row["amount_fen"]?.integer ?? 0), debitAccount: row["debit_account"]?.text ?? "", creditAccount: row["credit_account"]?.text ?? "",
            orderNo: row["order_no"]?.text ?? "", refundNo: row["refund_no"]?.text, channel: row["channel"]?.text, bookedAt: date(row["booked_at"]))
    }

    private static func topUp(from row: [String: SQLValue]) -> TopUp {
        TopUp(
            cardNo: row["card_no"]?.text ?? "", channel: row["channel"]?.text ?? "", orderNo: row["order_no"]?.text ?? "",
            amount: Amount(fen: row["amount_fen"]?.integer ?? 0), state: TopUp.State(rawValue: row["state"]?.text ?? "") ?? .pending,
            createdAt: date(row["created_at"]), reason: row["reason"]?.text)
    }

    static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }
    private static func date(_ value: SQLValue?) -> Date { Date(timeIntervalSince1970: Double(value?.integer ?? 0) / 1000) }

    /// The card tables, made once per store (under the store's schema lock on PostgreSQL, so nodes
    /// opening at once make them once).
    private static func migrate(_ backend: any SQLBackend) async throws {
        let dialect = backend.dialect
        let sequence = dialect == .sqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGSERIAL PRIMARY KEY"
        let integer = dialect == .sqlite ? "INTEGER" : "BIGINT"
        try await backend.transaction { db in
            if dialect == .postgres { try await db.query("LOCK TABLE hispay_schema IN EXCLUSIVE MODE", []) }
            for statement in [
                """
                CREATE TABLE IF NOT EXISTS hispay_card_accounts (
                    merchant TEXT NOT NULL, card_no TEXT NOT NULL, patient_id TEXT NOT NULL, id_number_masked TEXT, state TEXT NOT NULL,
                    opened_at \(integer) NOT NULL, PRIMARY KEY (merchant, card_no))
                """,
                "CREATE UNIQUE INDEX IF NOT EXISTS hispay_card_patients ON hispay_card_accounts (merchant, patient_id)",
                """
                CREATE TABLE IF NOT EXISTS hispay_card_entries (
                    seq \(sequence), merchant TEXT NOT NULL, entry_key TEXT NOT NULL, card_no TEXT NOT NULL, kind TEXT NOT NULL,
                    amount_fen \(integer) NOT NULL CHECK (amount_fen > 0), debit_account TEXT NOT NULL, credit_account TEXT NOT NULL,
                    order_no TEXT NOT NULL, refund_no TEXT, channel TEXT, booked_at \(integer) NOT NULL, business_day TEXT NOT NULL,
                    UNIQUE (merchant, entry_key), CHECK (debit_account <> credit_account))
                """,
                "CREATE INDEX IF NOT EXISTS hispay_card_entries_card ON hispay_card_entries (merchant, card_no)",
                "CREATE INDEX IF NOT EXISTS hispay_card_entries_day ON hispay_card_entries (merchant, business_day)",
                "CREATE INDEX IF NOT EXISTS hispay_card_entries_order ON hispay_card_entries (merchant, order_no)",
                """
                CREATE TABLE IF NOT EXISTS hispay_card_topups (
                    merchant TEXT NOT NULL, channel TEXT NOT NULL, order_no TEXT NOT NULL, card_no TEXT NOT NULL,
                    amount_fen \(integer) NOT NULL CHECK (amount_fen > 0), state TEXT NOT NULL, reason TEXT, created_at \(integer) NOT NULL,
                    PRIMARY KEY (merchant, channel, order_no))
                """,
                "CREATE INDEX IF NOT EXISTS hispay_card_topups_card ON hispay_card_topups (merchant, card_no)",
                "CREATE TABLE IF NOT EXISTS hispay_card_cursor (merchant TEXT PRIMARY KEY, after_cursor \(integer) NOT NULL)",
            ] {
                try await db.query(statement, [])
            }
        }
    }
}
