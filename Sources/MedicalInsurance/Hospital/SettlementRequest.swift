import HISPayCore

/// The input of 2206 pre-settlement and 2207 settlement (binzhe12123/Medical
/// `SY.Com.Medical.Model/SYB/YBJS/YJS2206.cs`, `JS2207.cs`): 2207 adds the four policy amounts
/// (``PolicyAmounts``), which the checkout takes from the 2206 answer unless given here.
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
    /// `fulamt_ownpay_amt`, `overlmt_selfpay`, `preselfpay_amt`, `inscp_scp_amt` for 2207, when the
    /// HIS has them (from 2204's per-line results); else the 2206 answer's are used.
    public var policyAmounts: PolicyAmounts?
    /// `invono`, the invoice number, when the region wants it.
    public var invoiceNumber: String?

    public init(
        personID: String, certificateType: String, certificateNumber: String, medicalType: String = "11", total: Amount,
        settlementWay: String = "01", visitID: String, chargeBatch: String, useAccount: Bool, insuranceType: String, policyAmounts: PolicyAmounts? = nil,
        invoiceNumber: String? = nil
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
        self.policyAmounts = policyAmounts
        self.invoiceNumber = invoiceNumber
    }

    /// 2206's input.
    package var preSettlementInput: ConfigValue {
        get throws(ChannelError) { .object(["data": .object(try fields("2206"))]) }
    }

    /// 2207's input, with `policy` (or ``policyAmounts``); throws naming the first policy field when
    /// neither is there.
    package func settlementInput(policy: PolicyAmounts?) throws(ChannelError) -> ConfigValue {
        guard let policy = policyAmounts ?? policy else {
            throw ChannelError(.invalidRequest, channel: .insurance, reason: "2207 requires fulamt_ownpay_amt (the policy amounts of 2204's results or the 2206 answer)")
        }
        var data = try fields("2207").merging(policy.fields) { $1 }
        if let invoiceNumber { data["invono"] = .string(invoiceNumber) }
        return .object(["data": .object(data)])
    }

    private func fields(_ infno: String) throws(ChannelError) -> [String: ConfigValue] {
        try RequiredFields.check(infno, [
            "psn_no": personID, "mdtrt_cert_type": certificateType, "mdtrt_cert_no": certificateNumber, "med_type": medicalType,
            "psn_setlway": settlementWay, "mdtrt_id": visitID, "chrg_bchno": chargeBatch, "insutype": insuranceType,
        ])
        return [
            "psn_no": .string(personID), "mdtrt_cert_type": .string(certificateType), "mdtrt_cert_no": .string(certificateNumber),
            "med_type": .string(medicalType), "medfee_sumamt": .number(total.yuanString), "psn_setlway": .string(settlementWay),
            "mdtrt_id": .string(visitID), "chrg_bchno": .string(chargeBatch), "acct_used_flag": .string(useAccount ? "1" : "0"),
            "insutype": .string(insuranceType),
        ]
    }
}
