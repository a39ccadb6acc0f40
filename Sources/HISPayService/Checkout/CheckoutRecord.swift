import Foundation
import HISPayCore
import HISPayStore
import MedicalInsurance

/// What the combined checkout has durably done for one bill: the step reached and what is needed to
/// resume, reverse or undo it after a crash.
public struct CheckoutRecord: Codable, Sendable, Hashable {
    /// The checkout's progress. Each step is saved *before* the action it names is attempted.
    public enum Step: String, Codable, Sendable {
        /// Nothing sent yet.
        case started
        /// Mobile pay: the centre accepted the fee upload (6201) as ``CheckoutRecord/payOrderID``.
        case uploaded
        /// The insurance payment may have been sent: 2207 under ``CheckoutRecord/settlementMessageID``,
        /// or (mobile pay) 6202 for ``CheckoutRecord/payOrderID``.
        case settling
        /// The insurance settlement is booked.
        case settled
        /// The cash payment may have been sent under ``CheckoutRecord/cashOrderNo``.
        case cashPending
        /// Both legs are done.
        case completed
        /// Mobile pay, rolling back: the refund (6203) of a paid insurance part or the undo (6401) of
        /// an unpaid upload may have been sent.
        case undoingInsurance
        /// Nothing remains booked (insurance reversed or undone, no cash taken).
        case rolledBack
        /// Refund of a completed checkout: the insurance undo (2208) may have been sent.
        case refundingInsurance
        /// Refund: insurance undone; the cash refund may have been sent under ``CheckoutRecord/refundNo``.
        case refundingCash
        /// Both legs refunded.
        case refunded
    }

    public var billID: String
    public var step: Step
    public var settlementMessageID: String?
    public var settlementID: String?
    public var visitID: String?
    public var personID: String
    public var cashAmount: Amount?
    /// The cash part the pre-settlement (2206) announced.
    public var preSettledCash: Amount?
    public var cashOrderNo: String
    /// The cash leg's refund number, once a refund started.
    public var refundNo: String?
    /// Mobile pay: the centre's `payOrdId` and `payToken` (6201).
    public var payOrderID: String?
    public var payToken: String?
    /// Mobile pay: the split the centre computed.
    public var split: SettlementResult?
    public var note: String?
    /// Something an operator must look at although the checkout went on (a 2207 answer that does not
    /// add up, booked as answered).
    public var flag: String?
    /// The bill's fee lines were uploaded (2204).
    public var feesUploaded: Bool?
    /// The policy amounts of the uploaded lines (2204 results), for 2207.
    public var policyAmounts: PolicyAmounts?
    /// The settlement as the HIS booked it (2207's answer, or what a query found), when it was booked
    /// and, once undone (2208), when — by the checkout's clock. The day's insurance reconciliation
    /// (``InsuranceLeg``) reads these.
    public var settlement: SettlementResult?
    public var settledAt: Date?
    public var undoneAt: Date?

    public init(billID: String, personID: String, cashOrderNo: String) {
        self.billID = billID
        self.step = .started
        self.personID = personID
        self.cashOrderNo = cashOrderNo
    }

    /// The cash leg's refund number: the cash order number + `R`, as ``beginRefund()`` journals it.
    var cashRefundNo: String { refundNo ?? cashOrderNo + "R" }

    /// Starts refunding a completed checkout (the caller journals it before acting).
    mutating func beginRefund() {
        step = .refundingInsurance
        refundNo = cashOrderNo + "R"
    }

    /// Why a checkout in this step cannot be refunded.
    var notRefundable: ChannelError {
        ChannelError(.invalidRequest, channel: .insurance, reason: "bill \(billID) is \(step.rawValue), not completed: nothing to refund")
    }

    /// The state of a completed checkout: its settlement and the cash taken.
    var completedState: CheckoutState { .completed(settlementID: settlementID ?? "", cash: cashAmount ?? .zero) }
}
