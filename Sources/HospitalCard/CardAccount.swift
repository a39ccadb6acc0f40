import Foundation
import HISPayCore

/// One patient's prepaid card: who holds it, whether it may move money, and its balance — derived
/// from the card's ledger entries, never stored on its own.
public struct CardAccount: Sendable, Hashable {
    /// Whether a card may move money.
    public enum State: String, Sendable, Hashable {
        /// Top-ups, debits, refunds and withdrawals.
        case active
        /// Reported lost: nothing moves until it is unfrozen.
        case frozen
    }

    public let cardNo: String
    /// The HIS's patient id (病人ID / 就诊卡号).
    public let patientID: String
    /// The patient's resident ID number, masked (``ResidentIDNumber/masked``); nil when none was given.
    public let maskedIDNumber: String?
    public let state: State
    /// What the patient can spend or withdraw: credits less debits of the card's account.
    public let balance: Amount
    /// Withdrawal refunds sent to a channel and not yet confirmed: no longer spendable, back on the
    /// card if the channel refuses them.
    public let held: Amount
    public let openedAt: Date

    public init(cardNo: String, patientID: String, maskedIDNumber: String?, state: State, balance: Amount, held: Amount, openedAt: Date) {
        self.cardNo = cardNo
        self.patientID = patientID
        self.maskedIDNumber = maskedIDNumber
        self.state = state
        self.balance = balance
        self.held = held
        self.openedAt = openedAt
    }
}
