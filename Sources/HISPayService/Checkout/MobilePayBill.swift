import Foundation
import HISPayCore
import HISPayStore
import MedicalInsurance

/// One outpatient bill settled through the mobile-payment centre: the patient authorised the
/// insurance payment in the NHSA app, WeChat or Alipay (`payAuthNo`), and the hospital uploads the
/// fees (6201) and collects the cash part.
public struct MobilePayBill: Sendable, Hashable {
    /// The HIS receipt number, sent as `medOrgOrd`: the checkout's identity (running it again
    /// resumes, never repeats).
    public var billID: String
    public var payAuthNo: String
    /// The 6201 fee-upload data: at least `orgCodg`, `psnNo`, `insutype`, `idNo`, `idType`,
    /// `userName`, `medfeeSumamt`, `chrgBchno`, `feeType` (`MobilePayAPI/uploadFees`), usually
    /// `feedetailList` and more; `medOrgOrd` and `payAuthNo` are filled in from ``billID`` and
    /// ``payAuthNo``. Later calls repeat the institution and patient fields from here.
    public var upload: ConfigValue
    /// The merchant order number of the cash leg.
    public var cashOrderNo: String
    public var subject: String

    public init(billID: String, payAuthNo: String, upload: ConfigValue, cashOrderNo: String, subject: String) {
        self.billID = billID
        self.payAuthNo = payAuthNo
        self.upload = upload
        self.cashOrderNo = cashOrderNo
        self.subject = subject
    }

    /// The upload's `keys` that are present, to repeat in a later call (6202, 6301, 6401).
    func carried(_ keys: String...) -> [String: ConfigValue] { upload.objectValue.filter { keys.contains($0.key) } }

    /// The 6201 data as sent.
    var uploadData: ConfigValue {
        var data = upload.objectValue
        data["medOrgOrd"] = .string(billID)
        data["payAuthNo"] = .string(payAuthNo)
        return .object(data)
    }
}
