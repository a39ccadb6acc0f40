import HISPayCore

/// What a withdrawal did: each part of the balance, the top-up it went back along and how.
public struct CardWithdrawal: Sendable, Hashable {
    /// One part of the balance going back.
    public struct Part: Sendable, Hashable {
        /// What became of the part.
        public enum Result: String, Sendable, Hashable {
            /// The channel refunded it: off the card.
            case refunded
            /// Sent to the channel, not yet confirmed: held off the card until the channel answers
            /// (``HospitalCardChannel/settleWithdrawals(cardNo:channels:)``).
            case held
            /// The channel refused it: still on the card.
            case refused
            /// Paid out in cash (a cash top-up, one past its channel's refund window, or a channel
            /// not configured here): off the card.
            case cash
        }

        /// The top-up's channel (`cash` for a cash top-up).
        public let channel: String
        /// The top-up's payment order (the order the refund is made on).
        public let topUpOrderNo: String
        /// The refund's number at the channel (`WITHDRAWAL-1`…), absent for cash.
        public let refundNo: String?
        public let amount: Amount
        public let result: Result
        /// Why cash, or what the channel said.
        public let detail: String?
    }

    public let cardNo: String
    public let withdrawalNo: String
    /// The balance the withdrawal started from.
    public let balance: Amount
    /// Newest top-up first.
    public let parts: [Part]
    /// The card after it.
    public let account: CardAccount

    /// The total of the parts with `result`.
    public func total(_ result: Part.Result) -> Amount { Amount(fen: parts.filter { $0.result == result }.reduce(0) { $0 + $1.amount.fen }) }
}
