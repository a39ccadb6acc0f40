import Foundation
import HISPayCore

/// One movement on the card ledger: `amount` leaves ``debitAccount`` and reaches ``creditAccount``,
/// so every entry balances by construction. A card's account is `card:NO`; the others are
/// `topup:CHANNEL` (money that came in, or went back, on a channel), `fees` (what the hospital
/// charged), `withdrawal:CHANNEL` (a withdrawal refund sent and not yet confirmed) and `cash`.
public struct CardEntry: Sendable, Hashable {
    /// What the movement is.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A top-up paid on a channel (or in cash), credited once the channel confirmed it.
        public static let topUp = Kind("topUp")
        /// A fee debited from the card.
        public static let debit = Kind("debit")
        /// A fee refunded (or a debit reversed) back to the card.
        public static let refund = Kind("refund")
        /// A withdrawal refund sent to a top-up's channel, held until the channel confirms it.
        public static let withdrawalHeld = Kind("withdrawalHeld")
        /// A held withdrawal refund the channel confirmed: the money has left.
        public static let withdrawal = Kind("withdrawal")
        /// A held withdrawal refund the channel refused: back on the card.
        public static let withdrawalReturned = Kind("withdrawalReturned")
        /// Balance paid out in cash (what could not go back along a channel).
        public static let cashWithdrawal = Kind("cashWithdrawal")
    }

    /// The idempotency key: the same key never books twice (`debit:ORDER`, `refund:REFUND`,
    /// `topup:CHANNEL:ORDER`, `withdrawal:NO:CHANNEL:ORDER`…).
    public let key: String
    /// The ledger's order of booking.
    public let sequence: Int64
    public let cardNo: String
    public let kind: Kind
    public let amount: Amount
    public let debitAccount: String
    public let creditAccount: String
    /// The order the movement belongs to: the fee's order, the top-up's payment order, or the
    /// withdrawal's top-up order.
    public let orderNo: String
    /// The refund number of a refund or withdrawal refund.
    public let refundNo: String?
    /// The top-up channel of a top-up or withdrawal (`wechatpay`, `cash`…).
    public let channel: String?
    public let bookedAt: Date

    public init(
        key: String, sequence: Int64, cardNo: String, kind: Kind, amount: Amount, debitAccount: String, creditAccount: String, orderNo: String,
        refundNo: String?, channel: String?, bookedAt: Date
    ) {
        self.key = key
        self.sequence = sequence
        self.cardNo = cardNo
        self.kind = kind
        self.amount = amount
        self.debitAccount = debitAccount
        self.creditAccount = creditAccount
        self.orderNo = orderNo
        self.refundNo = refundNo
        self.channel = channel
        self.bookedAt = bookedAt
    }

    /// The card's account.
    public static func account(ofCard cardNo: String) -> String { "card:\(cardNo)" }

    /// The key of a fee's debit.
    static func debitKey(_ orderNo: String) -> String { "debit:\(orderNo)" }
    /// The key of a refund to the card.
    static func refundKey(_ refundNo: String) -> String { "refund:\(refundNo)" }
    /// The key of a debit's reversal.
    static func reverseKey(_ orderNo: String) -> String { "reverse:\(orderNo)" }
    /// The key of a top-up's credit: its payment order on its channel.
    static func topUpKey(channel: String, orderNo: String) -> String { "topup:\(channel):\(orderNo)" }

    /// What the entry does to its card's balance: + credit, − debit.
    public var cardEffect: Int64 {
        let card = Self.account(ofCard: cardNo)
        return creditAccount == card ? amount.fen : debitAccount == card ? -amount.fen : 0
    }
}
