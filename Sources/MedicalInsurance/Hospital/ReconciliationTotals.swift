import Foundation
import HISPayCore

/// The hospital's own sums for 3201/3202, per insurance type, clearing type and clearing agency.
public struct ReconciliationTotals: Sendable, Hashable {
    public var insuranceType: String
    /// `clr_type`: 11 outpatient, 21 inpatient, 41 pharmacy, 99 other.
    public var clearingType: String
    public var clearingAgency: String
    public var startDate: String
    public var endDate: String
    public var total: Amount
    public var fundPay: Amount
    public var accountPay: Amount
    public var cashPay: Amount
    public var count: Int
    /// Whether refunded settlements are included (`refd_setl_flag`).
    public var includesRefunds: Bool

    public init(
        insuranceType: String, clearingType: String, clearingAgency: String, startDate: String, endDate: String, total: Amount, fundPay: Amount,
        accountPay: Amount, cashPay: Amount, count: Int, includesRefunds: Bool = true
    ) {
        self.insuranceType = insuranceType
        self.clearingType = clearingType
        self.clearingAgency = clearingAgency
        self.startDate = startDate
        self.endDate = endDate
        self.total = total
        self.fundPay = fundPay
        self.accountPay = accountPay
        self.cashPay = cashPay
        self.count = count
        self.includesRefunds = includesRefunds
    }

    /// Sums settlements of one group.
    public init(grouping settlements: [SettlementResult], insuranceType: String, clearingType: String, clearingAgency: String, startDate: String, endDate: String) throws {
        self.init(
            insuranceType: insuranceType, clearingType: clearingType, clearingAgency: clearingAgency, startDate: startDate, endDate: endDate,
            total: try Amount.sum(settlements.map(\.total)), fundPay: try Amount.sum(settlements.map(\.fundPay)),
            accountPay: try Amount.sum(settlements.map(\.accountPay)), cashPay: try Amount.sum(settlements.map(\.cashPay)), count: settlements.count)
    }

    var input: ConfigValue {
        .object([
            "insutype": .string(insuranceType), "clr_type": .string(clearingType), "setl_optins": .string(clearingAgency),
            "stmt_begndate": .string(startDate), "stmt_enddate": .string(endDate), "medfee_sumamt": .number(total.yuanString),
            "fund_pay_sumamt": .number(fundPay.yuanString), "acct_pay": .number(accountPay.yuanString), "fixmedins_setl_cnt": .number(String(count)),
            "refd_setl_flag": .string(includesRefunds ? "1" : "0"),
        ])
    }
}
