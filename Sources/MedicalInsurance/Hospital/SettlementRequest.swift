import HISPayCore

/// The input of 2206 pre-settlement and 2207 settlement.
public struct SettlementRequest: Sendable, Hashable, Codable {
    public var personID: String
    public var certificateType: String
    public var certificateNumber: String
    public var medicalType: String
    public var total: Amount
    public var settlementWay: String
    public var visitID: String
    public var chargeBatch: String
    /// `acct_used_flag`: pay from the personal account.
    public var useAccount: Bool
    public var insuranceType: String

    public init(
        personID: String, certificateType: String, certificateNumber: String, medicalType: String = "11", total: Amount,
        settlementWay: String = "01", visitID: String, chargeBatch: String, useAccount: Bool, insuranceType: String
    ) {
        self.personID = personID
        self.certificateType = certificateType
        self.certificateNumber = certificateNumber
        self.medicalType = medicalType
        self.total = total
        self.settlementWay = settlementWay
        self.visitID = visitID
        self.chargeBatch = chargeBatch
        self.useAccount = useAccount
        self.insuranceType = insuranceType
    }

    var input: ConfigValue {
        .object(["data": .object([
            "psn_no": .string(personID), "mdtrt_cert_type": .string(certificateType), "mdtrt_cert_no": .string(certificateNumber),
            "med_type": .string(medicalType), "medfee_sumamt": .number(total.yuanString), "psn_setlway": .string(settlementWay),
            "mdtrt_id": .string(visitID), "chrg_bchno": .string(chargeBatch), "acct_used_flag": .string(useAccount ? "1" : "0"),
            "insutype": .string(insuranceType),
        ])])
    }
}
