import Foundation
import HISPayCore

/// One line of 2204 outpatient fee detail upload (门诊费用明细上传, `feedetail`), with the fields the
/// national table marks required (binzhe12123/Medical `SY.Com.Medical.Model/SYB/YBJS/ZJ2204.cs`).
/// Quantity (`cnt`, 16,4) and unit price (`pric`, 16,6) are decimal text — never floating point; the
/// line's amount is yuan with two decimals.
public struct FeeDetail: Sendable, Hashable, Codable {
    /// `feedetl_sn`: unique within the visit.
    public var serial: String
    /// `mdtrt_id`, from 2201.
    public var visitID: String
    public var personID: String
    /// `chrg_bchno`: the charge batch 2206/2207 settle.
    public var chargeBatch: String
    /// `fee_ocur_time`.
    public var time: Date
    /// `med_list_codg`: the national catalogue code.
    public var catalogueCode: String
    /// `medins_list_codg`: the hospital's own code for the item.
    public var hospitalCode: String
    /// `det_item_fee_sumamt`.
    public var amount: Amount
    /// `cnt`, decimal text.
    public var quantity: String
    /// `pric`, decimal text.
    public var unitPrice: String
    /// `bilg_dept_codg` / `bilg_dept_name` / `bilg_dr_codg` / `bilg_dr_name`: who ordered it.
    public var departmentCode: String
    public var departmentName: String
    public var doctorCode: String
    public var doctorName: String
    /// `rxno`, when the line comes from a prescription.
    public var prescriptionNumber: String?

    public init(
        serial: String, visitID: String, personID: String, chargeBatch: String, time: Date, catalogueCode: String, hospitalCode: String,
        amount: Amount, quantity: String, unitPrice: String, departmentCode: String, departmentName: String, doctorCode: String, doctorName: String,
        prescriptionNumber: String? = nil
    ) {
        self.serial = serial
        self.visitID = visitID
        self.personID = personID
        self.chargeBatch = chargeBatch
        self.time = time
        self.catalogueCode = catalogueCode
        self.hospitalCode = hospitalCode
        self.amount = amount
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.departmentCode = departmentCode
        self.departmentName = departmentName
        self.doctorCode = doctorCode
        self.doctorName = doctorName
        self.prescriptionNumber = prescriptionNumber
    }

    package var row: ConfigValue {
        get throws(ChannelError) {
            try RequiredFields.check("2204", [
                "feedetl_sn": serial, "mdtrt_id": visitID, "psn_no": personID, "chrg_bchno": chargeBatch, "med_list_codg": catalogueCode,
                "medins_list_codg": hospitalCode, "bilg_dept_codg": departmentCode, "bilg_dept_name": departmentName, "bilg_dr_codg": doctorCode,
                "bilg_dr_name": doctorName,
            ])
            for (field, text, decimals) in [("cnt", quantity, 4), ("pric", unitPrice, 6)] where !Self.isDecimal(text, places: decimals) {
                throw ChannelError(.invalidRequest, channel: .insurance, reason: "2204 \(field) of line \(serial) must be a non-negative decimal with at most \(decimals) places")
            }
            guard !amount.isNegative else { throw ChannelError(.invalidRequest, channel: .insurance, reason: "2204 det_item_fee_sumamt of line \(serial) is negative") }
            var fields: [String: ConfigValue] = [
                "feedetl_sn": .string(serial), "mdtrt_id": .string(visitID), "psn_no": .string(personID), "chrg_bchno": .string(chargeBatch),
                "rx_circ_flag": .string("0"), "fee_ocur_time": .string(BeijingTime.format(time)), "med_list_codg": .string(catalogueCode),
                "medins_list_codg": .string(hospitalCode), "det_item_fee_sumamt": .number(amount.yuanString), "cnt": .number(quantity),
                "pric": .number(unitPrice), "bilg_dept_codg": .string(departmentCode), "bilg_dept_name": .string(departmentName),
                "bilg_dr_codg": .string(doctorCode), "bilg_dr_name": .string(doctorName), "hosp_appr_flag": .string("1"),
            ]
            if let prescriptionNumber { fields["rxno"] = .string(prescriptionNumber) }
            return .object(fields)
        }
    }

    /// Digits with at most `places` decimals.
    static func isDecimal(_ text: String, places: Int) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else { return false }
        return parts.count == 1 || (1...places).contains(parts[1].count)
    }
}
