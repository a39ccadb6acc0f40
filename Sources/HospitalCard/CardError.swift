/// A card operation refused, with a code callers can switch on and a reason naming the card, order
/// or amount — never a resident ID number. A refused operation changes nothing.
public struct CardError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was refused. Extensible.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        /// An amount that is zero or negative (or not a number of fen).
        public static let invalidAmount = Code("invalidAmount")
        /// No card of that number for this merchant.
        public static let unknownCard = Code("unknownCard")
        /// The card is frozen (reported lost): nothing moves until it is unfrozen.
        public static let frozenCard = Code("frozenCard")
        /// The balance is short of the debit; the card never goes negative.
        public static let insufficientBalance = Code("insufficientBalance")
        /// A card of that number, or for that patient, is already open.
        public static let alreadyOpen = Code("alreadyOpen")
        /// A resident ID number that is not one (length, birth date or check digit).
        public static let invalidIDNumber = Code("invalidIDNumber")
        /// An order, refund or top-up number already used for a different movement.
        public static let numberReused = Code("numberReused")
        /// A top-up order that belongs to another card.
        public static let wrongCard = Code("wrongCard")
        /// No such order, refund or top-up on the card.
        public static let unknownOrder = Code("unknownOrder")
        /// A refund larger than what is left of its payment.
        public static let refundTooLarge = Code("refundTooLarge")
        /// A top-up on a channel the card does not take top-ups from.
        public static let channelNotAllowed = Code("channelNotAllowed")
        /// The state change asked for does not apply (unfreezing an active card).
        public static let invalidState = Code("invalidState")
        /// A top-up whose payment the channel did not confirm as made (failed, closed, or another amount).
        public static let topUpNotPaid = Code("topUpNotPaid")
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "CardError.\(code): \(reason)" }
}
