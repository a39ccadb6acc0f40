import Foundation
import HISPayCore

/// The money split of an insurance settlement (2206 pre-settlement, 2207 settlement, 2208 undo,
/// 5261 query), in fen, with its identities checked:
/// `total = fundPay + personalPart` and `personalPart = accountPay + cashPay + hospitalPart`;
/// the mutual-aid part (`acct_mulaid_pay`) is part of `accountPay`.
public struct SettlementResult: Hashable, Sendable, Codable {
    /// `setl_id` (absent for a pre-settlement).
    public var settlementID: String?
    /// `mdtrt_id`.
    public var visitID: String?
    /// `medfee_sumamt`: the whole bill.
    public var total: Amount
    /// `fund_pay_sumamt`: paid by the insurance funds (统筹 and others).
    public var fundPay: Amount
    /// `psn_part_amt`: the patient's share.
    public var personalPart: Amount
    /// `acct_pay`: paid from the personal account (个账), including the mutual-aid part.
    public var accountPay: Amount
    /// `acct_mulaid_pay`: the family mutual-aid part of ``accountPay``.
    public var accountMutualAid: Amount
    /// `psn_cash_pay`: what the patient still pays in cash (WeChat, Alipay, UnionPay, counter).
    public var cashPay: Amount
    /// `hosp_part_amt`: borne by the hospital, when present.
    public var hospitalPart: Amount
    /// `balc`: the personal-account balance after settlement.
    public var balanceAfter: Amount?
    /// `clr_optins`, `clr_type`, `clr_way`: clearing agency and type (for 3201 grouping).
    public var clearingAgency: String?
    public var clearingType: String?
    public var insuranceType: String?
    public var settledAt: Date?
    /// `fulamt_ownpay_amt`, `overlmt_selfpay`, `preselfpay_amt`, `inscp_scp_amt`, when the answer has them.
    public var policyAmounts: PolicyAmounts?
    /// `medins_setl_id`: the `msgid` the hospital sent the settlement under (2207, 5203).
    public var messageID: String?
    /// `psn_no`.
    public var personID: String?

    public init(
        settlementID: String? = nil, visitID: String? = nil, total: Amount, fundPay: Amount, personalPart: Amount, accountPay: Amount,
        accountMutualAid: Amount = .zero, cashPay: Amount, hospitalPart: Amount = .zero, balanceAfter: Amount? = nil,
        clearingAgency: String? = nil, clearingType: String? = nil, insuranceType: String? = nil, settledAt: Date? = nil
    ) {
        self.settlementID = settlementID
        self.visitID = visitID
        self.total = total
        self.fundPay = fundPay
        self.personalPart = personalPart
        self.accountPay = accountPay
        self.accountMutualAid = accountMutualAid
        self.cashPay = cashPay
        self.hospitalPart = hospitalPart
        self.balanceAfter = balanceAfter
        self.clearingAgency = clearingAgency
        self.clearingType = clearingType
        self.insuranceType = insuranceType
        self.settledAt = settledAt
    }

    /// Reads a `setlinfo` object (yuan with two decimals on the wire) and checks the identities;
    /// throws `ChannelError/Code/invalidResponse` naming the field or the identity that fails.
    public init(setlinfo: [String: ConfigValue]) throws(ChannelError) {
        try self.init(reading: setlinfo)
        try checkIdentities()
    }

    /// Reads a `setlinfo` object without checking the identities: a booked settlement (2207) is
    /// recorded as the platform answered it, and ``inconsistency`` says what does not add up.
    public init(reading setlinfo: [String: ConfigValue]) throws(ChannelError) {
        func optional(_ key: String) throws(ChannelError) -> Amount? {
            guard let value = setlinfo[key], value != .null else { return nil }
            do { return try NHSAAmount.parse(value) } catch {
                throw ChannelError(.invalidResponse, channel: .insurance, reason: "setlinfo.\(key): \(error)")
            }
        }
        func required(_ key: String) throws(ChannelError) -> Amount {
            guard let amount = try optional(key) else { throw ChannelError(.invalidResponse, channel: .insurance, reason: "setlinfo lacks \(key)") }
            return amount
        }
        self.init(
            settlementID: setlinfo["setl_id"]?.text, visitID: setlinfo["mdtrt_id"]?.text,
            total: try required("medfee_sumamt"), fundPay: try required("fund_pay_sumamt"), personalPart: try required("psn_part_amt"),
            accountPay: try required("acct_pay"), accountMutualAid: try optional("acct_mulaid_pay") ?? .zero,
            cashPay: try required("psn_cash_pay"), hospitalPart: try optional("hosp_part_amt") ?? .zero,
            balanceAfter: try optional("balc"), clearingAgency: setlinfo["clr_optins"]?.text,
            clearingType: setlinfo["clr_type"]?.text, insuranceType: setlinfo["insutype"]?.text,
            settledAt: setlinfo["setl_time"]?.text.flatMap(BeijingTime.parse))
        policyAmounts = try PolicyAmounts(setlinfo)
        messageID = setlinfo["medins_setl_id"]?.text
        personID = setlinfo["psn_no"]?.text
    }

    /// What does not add up in the split, or nil when every identity holds.
    public var inconsistency: String? {
        do {
            try checkIdentities()
            return nil
        } catch { return error.reason }
    }

    /// Throws `ChannelError/Code/invalidResponse` when the platform's numbers disagree.
    public func checkIdentities() throws(ChannelError) {
        func sum(_ parts: Amount...) -> Amount? { try? Amount.sum(parts) }
        guard sum(fundPay, personalPart) == total else {
            throw ChannelError(.invalidResponse, channel: .insurance, reason: "settlement split does not add up: fund \(fundPay) + personal \(personalPart) ≠ total \(total)")
        }
        guard sum(accountPay, cashPay, hospitalPart) == personalPart else {
            throw ChannelError(.invalidResponse, channel: .insurance, reason: "settlement split does not add up: account \(accountPay) + cash \(cashPay) + hospital \(hospitalPart) ≠ personal part \(personalPart)")
        }
        guard accountMutualAid.fen.magnitude <= accountPay.fen.magnitude, accountMutualAid.isNegative == accountPay.isNegative || accountMutualAid == .zero else {
            throw ChannelError(.invalidResponse, channel: .insurance, reason: "mutual-aid part \(accountMutualAid) exceeds the account payment \(accountPay)")
        }
    }
}
