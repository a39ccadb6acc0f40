import Foundation
import HISPayCore
import HISPayStore
import MedicalInsurance

/// An insurance order the mobile-payment centre accepted (6201) and what its cash leg needs: the
/// centre's identifiers, the patient's authorisation and the split the centre computed.
public struct MobilePayOrder: Sendable, Hashable {
    /// The HIS receipt number, sent to the centre as `medOrgOrd`.
    public var billID: String
    /// `payOrdId` from 6201.
    public var payOrderID: String
    /// `payToken` from 6201.
    public var payToken: String
    /// The patient's authorisation code (`payAuthNo`).
    public var payAuthNo: String
    /// The split as the centre computed it: total, fund, personal account, cash.
    public var split: SettlementResult
    /// The merchant order number of the cash leg.
    public var cashOrderNo: String
    public var subject: String

    public init(billID: String, payOrderID: String, payToken: String, payAuthNo: String, split: SettlementResult, cashOrderNo: String, subject: String) {
        self.billID = billID
        self.payOrderID = payOrderID
        self.payToken = payToken
        self.payAuthNo = payAuthNo
        self.split = split
        self.cashOrderNo = cashOrderNo
        self.subject = subject
    }
}
