import Foundation
import HISPayCore
import HISPayStore

/// The hospital's prepaid patient card (院内一卡通) as a payment channel: the hospital operates it,
/// and its "gateway" is the card ledger (``CardLedger``) in the payment store.
///
/// Through `PaymentChannel`: `pay` debits the card presented (the scene is
/// `PaymentScene.barcode(authCode:)` with the card number as the code, as a counter scans it),
/// answered at once — success, or failure with the refusal's code (`insufficientBalance`,
/// `frozenCard`, `unknownCard`) and nothing debited; `query` (`SUCCESS`, `REFUND` once refunded in
/// full, a failure `REVERSED` once reversed), `refund` (back to the card),
/// `queryRefund`, `reverse` (the whole debit back) and `downloadStatement` (the day's entries, see
/// ``CardStatementParser``). The card operations are on this type: open, freeze and unfreeze, top up
/// (credited only on the channel's word: ``applyEvents(from:)``, ``settleTopUp(_:on:)``), withdraw
/// (``withdraw(cardNo:withdrawalNo:channels:notifyURLs:now:)``) and the day's balance (``day(_:)``).
public struct HospitalCardChannel: PaymentChannel {
    public let id = ChannelID.hospitalCard
    public let ledger: CardLedger
    public let settings: HospitalCardSettings

    public init(ledger: CardLedger, settings: HospitalCardSettings = HospitalCardSettings()) {
        self.ledger = ledger
        self.settings = settings
    }

    public var capabilities: ChannelCapabilities {
        ChannelCapabilities(operations: [.pay, .query, .reverse, .refund, .refundQuery, .statement], scenes: [.barcode])
    }

    // MARK: - PaymentChannel

    public func pay(_ request: PayRequest) async throws -> Outcome<Payment> {
        guard case .barcode(let cardNo) = request.scene else {
            throw ChannelError(.unsupportedOperation, channel: id, operation: .pay, reason: "a card pays by being presented: the barcode scene, the card number as its code")
        }
        do {
            return .success(Self.payment(try await debit(cardNo: cardNo, orderNo: request.outTradeNo, amount: request.amount)), ChannelStatus(code: "SUCCESS"))
        } catch let error as CardError where error.code != .invalidAmount {
            return .failure(ChannelStatus(code: error.code.name, message: error.reason))
        }
    }

    public func query(_ order: OrderReference) async throws -> Outcome<Payment> {
        guard let orderNo = order.outTradeNo, let entry = try await debitEntry(orderNo: orderNo) else {
            return .failure(ChannelStatus(code: CardError.Code.unknownOrder.name, message: "no card payment \(order)"))
        }
        if try await ledger.entry(key: CardEntry.reverseKey(orderNo)) != nil {
            return .failure(ChannelStatus(code: "REVERSED", message: "card payment \(orderNo) was reversed: its amount is back on the card"))
        }
        // Paid, and (like WeChat Pay's trade_state REFUND) refunded in full when nothing is left of it.
        let left = try await refundable(orderNo: orderNo, cardNo: entry.cardNo, excluding: "")
        return .success(Self.payment(entry), ChannelStatus(code: left == .zero ? "REFUND" : "SUCCESS"))
    }

    public func reverse(_ order: OrderReference) async throws -> Outcome<Reversal> {
        guard let orderNo = order.outTradeNo, let debit = try await debitEntry(orderNo: orderNo) else {
            return .failure(ChannelStatus(code: CardError.Code.unknownOrder.name, message: "no card payment \(order)"))
        }
        let key = CardEntry.reverseKey(orderNo)
        let left = try await refundable(orderNo: orderNo, cardNo: debit.cardNo, excluding: key)
        let reversedBefore = try await ledger.entry(key: key) != nil
        if left.fen > 0 || reversedBefore {
            _ = try await back(debit, key: key, refundNo: "\(orderNo)#reverse", amount: left)
        }
        return .success(Reversal(order: order, refunded: true), ChannelStatus(code: "SUCCESS"))
    }

    public func refund(_ request: RefundRequest) async throws -> Outcome<Refund> {
        guard let orderNo = request.order.outTradeNo else { throw CardError(.unknownOrder, "a card refund names its payment's order number") }
        do {
            let entry = try await refundToCard(orderNo: orderNo, refundNo: request.outRefundNo, amount: request.refundAmount)
            return .success(Refund(outRefundNo: request.outRefundNo, refundID: "CARD\(entry.sequence)", amount: entry.amount, refundedAt: entry.bookedAt), ChannelStatus(code: "SUCCESS"))
        } catch let error as CardError where error.code != .invalidAmount {
            return .failure(ChannelStatus(code: error.code.name, message: error.reason))
        }
    }

    public func queryRefund(_ refund: RefundReference) async throws -> Outcome<Refund> {
        guard let entry = try await ledger.entry(key: CardEntry.refundKey(refund.outRefundNo)) else {
            return .failure(ChannelStatus(code: CardError.Code.unknownOrder.name, message: "no card refund \(refund.outRefundNo)"))
        }
        return .success(Refund(outRefundNo: refund.outRefundNo, refundID: "CARD\(entry.sequence)", amount: entry.amount, refundedAt: entry.bookedAt), ChannelStatus(code: "SUCCESS"))
    }

    public func downloadStatement(_ request: StatementRequest) async throws -> StatementFile {
        StatementFile(channel: id, date: request.date, format: "csv", contents: CardStatementParser.file(try await ledger.entries(onDay: request.date)))
    }

    // MARK: - Card operations

    /// Opens a card for the HIS's patient; a resident ID number, when given, is validated and only
    /// its masked form kept.
    public func open(cardNo: String, patientID: String, idNumber: String?) async throws -> CardAccount {
        try await ledger.open(cardNo: cardNo, patientID: patientID, idNumber: try idNumber.map { try ResidentIDNumber($0) })
    }

    /// The card, with its balance.
    public func balance(cardNo: String) async throws -> CardAccount { try await ledger.account(cardNo) }

    /// Freezes a card reported lost: debits, top-ups and withdrawals are refused until it is unfrozen
    /// (confirmations of top-ups already paid, and refunds back to it, still land).
    public func freeze(cardNo: String) async throws -> CardAccount { try await ledger.setState(cardNo, .frozen) }

    public func unfreeze(cardNo: String) async throws -> CardAccount { try await ledger.setState(cardNo, .active) }

    /// Debits a fee; `orderNo` is the idempotency key (the same order again returns the first debit,
    /// another amount under it is refused). Never leaves the card negative.
    public func debit(cardNo: String, orderNo: String, amount: Amount) async throws -> CardEntry {
        try await ledger.post(
            CardLedger.Movement(
                key: CardEntry.debitKey(orderNo), cardNo: cardNo, kind: .debit, amount: amount, debitAccount: CardEntry.account(ofCard: cardNo), creditAccount: "fees",
                orderNo: orderNo, needsActiveCard: true))
    }

    /// Refunds part or all of a fee back to the card; `refundNo` is the idempotency key. Refused
    /// beyond what is left of the debit.
    public func refundToCard(orderNo: String, refundNo: String, amount: Amount) async throws -> CardEntry {
        guard amount.fen > 0 else { throw CardError(.invalidAmount, "a refund must be more than 0 fen, not \(amount.fen)") }
        guard let debit = try await debitEntry(orderNo: orderNo) else { throw CardError(.unknownOrder, "no card payment \(orderNo)") }
        return try await back(debit, key: CardEntry.refundKey(refundNo), refundNo: refundNo, amount: amount)
    }

    /// The debit of a fee's order, if the card was charged for it.
    public func debitEntry(orderNo: String) async throws -> CardEntry? { try await ledger.entry(key: CardEntry.debitKey(orderNo)) }

    /// Books `amount` of `debit` back to its card under `key`, checking in the booking transaction
    /// that the debit's refunds stay within it (two at once: the second sees the first under the
    /// card's lock).
    private func back(_ debit: CardEntry, key: String, refundNo: String, amount: Amount) async throws -> CardEntry {
        let (merchant, orderNo) = (ledger.merchant, debit.orderNo)
        let movement = CardLedger.Movement(
            key: key, cardNo: debit.cardNo, kind: .refund, amount: amount, debitAccount: "fees", creditAccount: CardEntry.account(ofCard: debit.cardNo),
            orderNo: orderNo, refundNo: refundNo, needsActiveCard: false)
        return try await ledger.post(movement) { db in
            let refunded = try await db.query(
                "SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) AS refunded FROM hispay_card_entries WHERE merchant = ? AND order_no = ? AND kind = 'refund'",
                [.text(merchant), .text(orderNo)]
            ).first?["refunded"]?.integer ?? 0
            guard refunded + amount.fen <= debit.amount.fen else {
                throw CardError(.refundTooLarge, "\(orderNo) has \(Amount(fen: debit.amount.fen - refunded)) left to refund, not \(amount)")
            }
        }
    }

    /// What is left of a debit to refund: its amount less the refunds booked on it (but `excluding`).
    private func refundable(orderNo: String, cardNo: String, excluding key: String) async throws -> Amount {
        let entries = try await ledger.entries(orderNo: orderNo, cardNo: cardNo)
        let debited = entries.filter { $0.kind == .debit }.reduce(0) { $0 + $1.amount.fen }
        let refunded = entries.filter { $0.kind == .refund && $0.key != key }.reduce(0) { $0 + $1.amount.fen }
        return Amount(fen: max(0, debited - refunded))
    }

    static func payment(_ entry: CardEntry) -> Payment {
        Payment(outTradeNo: entry.orderNo, transactionID: "CARD\(entry.sequence)", amount: entry.amount, paidAt: entry.bookedAt)
    }
}
