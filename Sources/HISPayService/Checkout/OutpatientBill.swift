import Foundation
import HISPayCore
import HISPayStore
import MedicalInsurance

/// One outpatient bill to settle: the insurance settlement input and how the cash part is paid.
public struct OutpatientBill: Sendable, Hashable {
    /// The HIS receipt number: the checkout's identity (running it again resumes, never repeats).
    public var billID: String
    public var settlement: SettlementRequest
    public var insuredArea: String?
    /// The merchant order number of the cash leg.
    public var cashOrderNo: String
    public var subject: String
    /// How the patient pays the cash part (barcode at the counter, QR, JSAPI…).
    public var cashScene: PaymentScene
    /// The fee lines the checkout uploads (2204) before settling; empty when the HIS uploaded them.
    public var fees: [FeeDetail]

    public init(
        billID: String, settlement: SettlementRequest, insuredArea: String?, cashOrderNo: String, subject: String, cashScene: PaymentScene, fees: [FeeDetail] = []
    ) {
        self.billID = billID
        self.settlement = settlement
        self.insuredArea = insuredArea
        self.cashOrderNo = cashOrderNo
        self.subject = subject
        self.cashScene = cashScene
        self.fees = fees
    }
}
