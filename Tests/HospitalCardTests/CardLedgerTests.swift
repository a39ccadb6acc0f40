import Foundation
import HISPayCore
import HISPayStore
import HISPayTestSupport
import HospitalCard
import Testing

/// Issue 25: the card ledger on SQLite and PostgreSQL — concurrent debits never lose an update or go
/// negative, a top-up is credited once however often its confirmation comes, bad input changes nothing.
@Suite struct CardLedgerTests {
    static func card(_ dialect: SQLDialect, merchant: String = "main") async throws -> HospitalCardChannel {
        HospitalCardChannel(ledger: try await CardLedger(store: try await TestStores.open(dialect), merchant: merchant))
    }

    @Test(arguments: [SQLDialect.sqlite, .postgres])
    func twoHundredDebitsOnABalanceForOneHundredFiftyLeaveZero(_ dialect: SQLDialect) async throws {
        let card = try await Self.card(dialect)
        _ = try await card.open(cardNo: "C0001", patientID: "P0001", idNumber: nil)
        _ = try await card.topUpInCash(cardNo: "C0001", receiptNo: "KIOSK-1", amount: Amount(fen: 150 * 100))
        let results = await withTaskGroup(of: Result<CardEntry, any Error>.self) { group in
            for index in 0..<200 {
                group.addTask {
                    do { return .success(try await card.debit(cardNo: "C0001", orderNo: "FEE-\(index)", amount: Amount(fen: 100))) } catch { return .failure(error) }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let succeeded = results.filter { if case .success = $0 { true } else { false } }
        let refusals = results.compactMap { if case .failure(let error) = $0 { error as? CardError } else { nil } }
        #expect(succeeded.count == 150)
        #expect(refusals.count == 50 && refusals.allSatisfy { $0.code == .insufficientBalance }, "\(refusals.prefix(3))")
        let account = try await card.balance(cardNo: "C0001")
        #expect(account.balance == .zero)
        let entries = try await card.ledger.entries(cardNo: "C0001")
        #expect(entries.filter { $0.kind == .debit }.count == 150)
        // The balance, replayed entry by entry in booking order, never went below zero.
        var running: Int64 = 0
        for entry in entries {
            running += entry.cardEffect
            #expect(running >= 0, "negative after \(entry.key)")
        }
    }

    @Test(arguments: [SQLDialect.sqlite, .postgres])
    func aTopUpConfirmedFiftyTimesIsCreditedOnce(_ dialect: SQLDialect) async throws {
        let store = try await TestStores.open(dialect)
        let card = HospitalCardChannel(ledger: try await CardLedger(store: store, merchant: "main"))
        _ = try await card.open(cardNo: "C0002", patientID: "P0002", idNumber: nil)
        _ = try await card.startTopUp(cardNo: "C0002", channel: .wechatPay, orderNo: "TOPUP-1", amount: Amount(fen: 50_000))
        // Nothing is credited on the HIS's word: the top-up waits for the channel.
        #expect(try await card.balance(cardNo: "C0002").balance == .zero)
        // The channel's callback, delivered 50 times (the gateway records each delivery): one event.
        let event = CallbackEvent(
            kind: .paymentSucceeded, channel: .wechatPay, deduplicationKey: "TRANSACTION.SUCCESS:4200000001", outTradeNo: "TOPUP-1", transactionID: "4200000001",
            amount: Amount(fen: 50_000))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<50 {
                group.addTask { _ = try await store.record(event, merchant: "main", receivedAt: Date(), quarantineReason: nil) }
            }
            try await group.waitForAll()
        }
        // Applied from several places at once (two nodes, a CLI call), and again later.
        let credited = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<5 { group.addTask { try await card.applyEvents(from: store).count } }
            return try await group.reduce(0, +)
        }
        #expect(credited <= 1)
        try await card.applyEvents(from: store)
        #expect(try await card.balance(cardNo: "C0002").balance == Amount(fen: 50_000))
        #expect(try await card.ledger.entries(cardNo: "C0002").filter { $0.kind == .topUp }.count == 1)
        #expect(try await card.ledger.topUp(channel: "wechatpay", orderNo: "TOPUP-1")?.state == .credited)
    }

    /// A top-up whose payment is closed, or confirmed for another amount, credits nothing — not even
    /// when a success for it comes later.
    @Test(arguments: [SQLDialect.sqlite, .postgres])
    func aTopUpClosedOrConfirmedForAnotherAmountCreditsNothing(_ dialect: SQLDialect) async throws {
        let store = try await TestStores.open(dialect)
        let card = HospitalCardChannel(ledger: try await CardLedger(store: store, merchant: "main"))
        _ = try await card.open(cardNo: "C0011", patientID: "P0011", idNumber: nil)
        _ = try await card.startTopUp(cardNo: "C0011", channel: .wechatPay, orderNo: "TU-CLOSED", amount: Amount(fen: 1_000))
        _ = try await card.startTopUp(cardNo: "C0011", channel: .unionPay, orderNo: "TU-OTHER", amount: Amount(fen: 2_000))
        func record(_ kind: CallbackEvent.Kind, _ channel: ChannelID, _ order: String, _ fen: Int64?, _ key: String) async throws {
            _ = try await store.record(
                CallbackEvent(kind: kind, channel: channel, deduplicationKey: key, outTradeNo: order, amount: fen.map { Amount(fen: $0) }),
                merchant: "main", receivedAt: Date(), quarantineReason: nil)
        }
        try await record(.closed, .wechatPay, "TU-CLOSED", nil, "CLOSED:TU-CLOSED")
        try await record(.paymentSucceeded, .unionPay, "TU-OTHER", 1_999, "PAID:TU-OTHER")
        #expect(try await card.applyEvents(from: store).isEmpty)
        try await record(.paymentSucceeded, .wechatPay, "TU-CLOSED", 1_000, "PAID:TU-CLOSED")
        #expect(try await card.applyEvents(from: store).isEmpty)
        #expect(try await card.balance(cardNo: "C0011").balance == .zero)
        let states = try await card.ledger.topUps(cardNo: "C0011").map { "\($0.orderNo) \($0.state.rawValue) \($0.reason ?? "")" }.sorted()
        #expect(states == ["TU-CLOSED failed the payment was closed", "TU-OTHER failed the channel confirmed ¥19.99, not the top-up's ¥20.00"], "\(states)")
    }

    @Test(arguments: [SQLDialect.sqlite, .postgres])
    func badInputGetsATypedErrorAndChangesNothing(_ dialect: SQLDialect) async throws {
        let store = try await TestStores.open(dialect)
        let card = HospitalCardChannel(ledger: try await CardLedger(store: store, merchant: "main"))
        _ = try await card.open(cardNo: "C0003", patientID: "P0003", idNumber: nil)
        _ = try await card.open(cardNo: "C0004", patientID: "P0004", idNumber: nil)
        _ = try await card.topUpInCash(cardNo: "C0003", receiptNo: "KIOSK-3", amount: Amount(fen: 10_000))
        _ = try await card.startTopUp(cardNo: "C0004", channel: .alipay, orderNo: "TOPUP-4", amount: Amount(fen: 2_000))
        let before = try await card.ledger.entries(cardNo: "C0003")
        func refused(_ code: CardError.Code, _ body: () async throws -> Void) async {
            do {
                try await body()
                Issue.record("expected \(code), nothing was refused")
            } catch let error as CardError {
                #expect(error.code == code, "\(error)")
            } catch {
                Issue.record("expected CardError.\(code), got \(error)")
            }
        }
        await refused(.invalidAmount) { _ = try await card.debit(cardNo: "C0003", orderNo: "FEE-NEG", amount: Amount(fen: -100)) }
        await refused(.invalidAmount) { _ = try await card.debit(cardNo: "C0003", orderNo: "FEE-ZERO", amount: .zero) }
        await refused(.invalidAmount) { _ = try await card.startTopUp(cardNo: "C0003", channel: .wechatPay, orderNo: "TOPUP-0", amount: .zero) }
        await refused(.unknownCard) { _ = try await card.debit(cardNo: "C9999", orderNo: "FEE-X", amount: Amount(fen: 100)) }
        await refused(.insufficientBalance) { _ = try await card.debit(cardNo: "C0003", orderNo: "FEE-BIG", amount: Amount(fen: 10_001)) }
        // A top-up paid for another card is refused for this one, on either path.
        await refused(.wrongCard) { _ = try await card.startTopUp(cardNo: "C0003", channel: .alipay, orderNo: "TOPUP-4", amount: Amount(fen: 2_000)) }
        await refused(.channelNotAllowed) { _ = try await card.startTopUp(cardNo: "C0003", channel: .insurance, orderNo: "TOPUP-5", amount: Amount(fen: 2_000)) }
        _ = try await card.debit(cardNo: "C0003", orderNo: "FEE-1", amount: Amount(fen: 1_000))
        await refused(.numberReused) { _ = try await card.debit(cardNo: "C0003", orderNo: "FEE-1", amount: Amount(fen: 2_000)) }
        await refused(.refundTooLarge) { _ = try await card.refundToCard(orderNo: "FEE-1", refundNo: "FEE-1-R1", amount: Amount(fen: 1_001)) }
        await refused(.unknownOrder) { _ = try await card.refundToCard(orderNo: "FEE-NONE", refundNo: "R-NONE", amount: Amount(fen: 1)) }
        // A frozen card moves nothing out.
        _ = try await card.freeze(cardNo: "C0003")
        await refused(.frozenCard) { _ = try await card.debit(cardNo: "C0003", orderNo: "FEE-2", amount: Amount(fen: 100)) }
        await refused(.frozenCard) { _ = try await card.startTopUp(cardNo: "C0003", channel: .wechatPay, orderNo: "TOPUP-6", amount: Amount(fen: 100)) }
        await refused(.frozenCard) { _ = try await card.withdraw(cardNo: "C0003", withdrawalNo: "W-1", channels: [:]) }
        await refused(.invalidState) { _ = try await card.freeze(cardNo: "C0003") }
        let after = try await card.ledger.entries(cardNo: "C0003")
        #expect(after.count == before.count + 1)  // FEE-1 only
        #expect(try await card.balance(cardNo: "C0003").balance == Amount(fen: 9_000))
        _ = try await card.unfreeze(cardNo: "C0003")
        // Repeating a debit under its order number returns the first: no second debit.
        let again = try await card.debit(cardNo: "C0003", orderNo: "FEE-1", amount: Amount(fen: 1_000))
        let balance = try await card.balance(cardNo: "C0003").balance
        #expect(again.key == "debit:FEE-1" && balance == Amount(fen: 9_000))
        // Through PaymentChannel, a refusal is a definite failure naming its code, and nothing moved.
        let short = try await card.pay(PayRequest(outTradeNo: "FEE-3", amount: Amount(fen: 9_001), subject: "门诊缴费", scene: .barcode(authCode: "C0003")))
        #expect(short.kind == .failure && short.status.code == "insufficientBalance")
        #expect(try await card.query(.outTradeNo("FEE-3")).kind == .failure)
    }

    @Test(arguments: [SQLDialect.sqlite, .postgres])
    func tenOpensOfOneCardAtOnceOpenItOnce(_ dialect: SQLDialect) async throws {
        let card = try await Self.card(dialect)
        let opened = await withTaskGroup(of: CardError.Code?.self) { group in
            for _ in 0..<10 {
                group.addTask {
                    do {
                        _ = try await card.open(cardNo: "C0010", patientID: "P0010", idNumber: nil)
                        return nil
                    } catch let error as CardError {
                        return error.code
                    } catch {
                        return CardError.Code("\(error)")
                    }
                }
            }
            return await group.reduce(into: [CardError.Code?]()) { $0.append($1) }
        }
        #expect(opened.filter { $0 == nil }.count == 1 && opened.compactMap { $0 }.allSatisfy { $0 == .alreadyOpen }, "\(opened)")
    }

    @Test func aResidentIDNumberIsValidatedAndKeptOnlyMasked() async throws {
        // GB 11643-1999's own example number, and its check character.
        let number = "11010519491231002X"
        #expect(try ResidentIDNumber(number).masked == "110105********002X")
        #expect(try ResidentIDNumber("11010519491231002x").masked == "110105********002X")
        for (bad, why) in [("110105194912310021", "check character"), ("11010519491331002X", "birth date"), ("1101051949123100", "18 characters"), ("1101051949123100AX", "digits")] {
            #expect(throws: CardError.self) { try ResidentIDNumber(bad) }
            do { _ = try ResidentIDNumber(bad) } catch { #expect(error.reason.contains(why) && !error.reason.contains(bad), "\(error)") }
        }
        let store = try await TestStores.open(.sqlite)
        let card = HospitalCardChannel(ledger: try await CardLedger(store: store, merchant: "main"))
        let account = try await card.open(cardNo: "C0005", patientID: "P0005", idNumber: number)
        #expect(account.maskedIDNumber == "110105********002X")
        // The store holds no full number anywhere.
        let rows = try await store.backend.read("SELECT * FROM hispay_card_accounts", [])
        #expect(!"\(rows)".contains("19491231") && "\(rows)".contains("110105********002X"))
        do {
            _ = try await card.open(cardNo: "C0006", patientID: "P0006", idNumber: "110105194912310021")
            Issue.record("an invalid ID number was taken")
        } catch let error as CardError {
            #expect(error.code == .invalidIDNumber)
        }
        await #expect(throws: CardError.self) { try await card.balance(cardNo: "C0006") }
        await #expect(throws: CardError.self) { try await card.open(cardNo: "C0007", patientID: "P0005", idNumber: nil) }  // one card per patient
    }

    @Test func theStatementListsTheDayAndTheDayBalances() async throws {
        let card = try await Self.card(.sqlite)
        _ = try await card.open(cardNo: "C0008", patientID: "P0008", idNumber: nil)
        _ = try await card.topUpInCash(cardNo: "C0008", receiptNo: "KIOSK-8", amount: Amount(fen: 30_000))
        _ = try await card.debit(cardNo: "C0008", orderNo: "FEE-8", amount: Amount(fen: 12_345))
        _ = try await card.refundToCard(orderNo: "FEE-8", refundNo: "FEE-8-R1", amount: Amount(fen: 2_345))
        let today = BeijingTime.day(Date())
        let day = try await card.day(today)
        #expect(day.isBalanced && day.opening == .zero && day.closing == Amount(fen: 20_000), "\(day)")
        #expect(day.topUps == Amount(fen: 30_000) && day.debits == Amount(fen: 12_345) && day.refunds == Amount(fen: 2_345))
        let file = try await card.downloadStatement(try StatementRequest(date: today))
        var records: [StatementRecord] = []
        let totals = try CardStatementParser().parse(StatementInput(data: file.contents)) { records.append($0) }
        // The debit and the refund, for reconciliation against the HIS; the top-up is the card's own (on its channel).
        #expect(totals.count == 2 && totals.paymentAmount == Amount(fen: 12_345) && totals.refundAmount == Amount(fen: 2_345))
        #expect(try CardStatementParser.entries(StatementInput(data: file.contents)).map(\.kind) == [.topUp, .debit, .refund])
        #expect(records.contains { $0.kind == .refund && $0.outTradeNo == "FEE-8" && $0.outRefundNo == "FEE-8-R1" })
        // A statement cut short is refused, not half-read.
        let cut = file.contents.prefix(file.contents.count - 20)
        #expect(throws: ChannelError.self) { try CardStatementParser().parse(StatementInput(data: Data(cut))) { _ in } }
    }

    /// A reversal puts the rest of a debit back on the card and the payment then reads as reversed;
    /// refunds and a reversal of one debit at once never give back more than was debited.
    @Test(arguments: [SQLDialect.sqlite, .postgres])
    func refundsAndAReversalAtOnceNeverGiveBackMoreThanTheDebit(_ dialect: SQLDialect) async throws {
        let card = try await Self.card(dialect)
        _ = try await card.open(cardNo: "C0009", patientID: "P0009", idNumber: nil)
        _ = try await card.topUpInCash(cardNo: "C0009", receiptNo: "KIOSK-9", amount: Amount(fen: 10_000))
        _ = try await card.debit(cardNo: "C0009", orderNo: "FEE-9", amount: Amount(fen: 5_000))
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<10 {
                group.addTask {
                    let request = RefundRequest(order: .outTradeNo("FEE-9"), outRefundNo: "FEE-9-R\(index)", refundAmount: Amount(fen: 1_000), totalAmount: Amount(fen: 5_000))
                    return (try? await card.refund(request).kind) == .success
                }
            }
            group.addTask { (try? await card.reverse(.outTradeNo("FEE-9")).kind) == .success }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.contains(true))
        let entries = try await card.ledger.entries(cardNo: "C0009")
        #expect(entries.filter { $0.kind == .refund }.reduce(0) { $0 + $1.amount.fen } <= 5_000, "\(entries.map(\.key))")
        // After the reversal, whatever the refunds took, the whole debit is back.
        _ = try await card.reverse(.outTradeNo("FEE-9"))
        #expect(try await card.balance(cardNo: "C0009").balance == Amount(fen: 10_000))
        // Reversed — or, when the refunds took it all first, refunded in full.
        let state = try await card.query(.outTradeNo("FEE-9")).status.code
        #expect(state == "REVERSED" || (state == "REFUND" && entries.filter { $0.kind == .refund }.count == 5), "\(state ?? "")")
    }
}
