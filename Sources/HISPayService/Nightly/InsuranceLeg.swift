import Foundation
import HISPayCore
import MedicalInsurance
import Reconciliation

/// The insurance leg of one day, checked against the platform's own reconciliation:
///
/// - the HIS side is the settlements the HIS booked (the checkout records of the day): each as a
///   ledger row of its insurance part (fund + personal account) by `setl_id`, an undo (2208) of that
///   day as a refund row;
/// - the day's standing settlements are totalled per insurance type, clearing type and clearing
///   agency and sent to 3201 (对总账), whose verdict the report shows (`PlatformTotals`);
/// - the detail list — every settlement booked that day, and an undo once more with negative amounts —
///   goes up through 9101 and 3202 (对明细账); the result file 9102 returns is the leg's statement,
///   reconciled row by row against the HIS side like any channel's bill.
public struct InsuranceLeg: Sendable {
    public let client: NHSAClient
    /// How the 3202 list is written.
    public var format: any ReconciliationFileFormat = TabSeparatedReconciliationFile()

    public init(client: NHSAClient) { self.client = client }

    /// What the leg gives the night: the HIS's rows, the 3201 verdicts and the 3202 result file.
    public struct Day: Sendable {
        public var ledger: [LedgerRecord]
        public var totals: [PlatformTotals]
        /// The 3202 result file as 9102 returned it (zipped or not); `NHSAResultParser` reads it.
        public var result: Data
    }

    /// Reconciles `date` (yyyy-MM-dd, Beijing) from the day's checkout `records` (those booked or undone
    /// that day, as `StoreCheckoutJournal/records(on:)` lists them). A day without settlements asks
    /// the platform nothing and gives an empty result file.
    public func reconcile(_ records: [CheckoutRecord], date: String) async throws -> Day {
        let day = try Self.rows(records, date: date)
        var totals: [PlatformTotals] = []
        for (key, group) in Dictionary(grouping: day.standing, by: Self.group).sorted(by: { $0.key < $1.key }) {
            let sent = try ReconciliationTotals(
                grouping: group, insuranceType: key.insuranceType, clearingType: key.clearingType, clearingAgency: key.clearingAgency, startDate: date, endDate: date)
            let verdict = try await client.totalReconciliation(sent)
            totals.append(PlatformTotals(
                channel: .insurance, group: "insutype \(key.insuranceType), clr_type \(key.clearingType), setl_optins \(key.clearingAgency)", count: sent.count,
                total: sent.total, parts: ["fund_pay_sumamt": sent.fundPay, "acct_pay": sent.accountPay], balanced: verdict.balanced, detail: verdict.detail))
        }
        guard let first = day.detail.first else { return Day(ledger: day.ledger, totals: totals, result: Data()) }
        let key = Self.group(first)
        let all = try ReconciliationTotals(
            grouping: day.detail, insuranceType: key.insuranceType, clearingType: key.clearingType, clearingAgency: key.clearingAgency, startDate: date, endDate: date)
        let fileinfo = try await client.detailReconciliation(all, settlements: day.detail, format: format)
        return Day(ledger: day.ledger, totals: totals, result: try await client.detailReconciliationFile(fileinfo))
    }

    /// The HIS's insurance rows of `date` from the checkout `records`, without asking the platform.
    public static func ledger(_ records: [CheckoutRecord], date: String) throws -> [LedgerRecord] { try rows(records, date: date).ledger }

    /// The day's ledger rows, the 3202 list (settlements booked that day, undos of that day negated)
    /// and the standing settlements 3201 totals.
    static func rows(_ records: [CheckoutRecord], date: String) throws -> (ledger: [LedgerRecord], detail: [SettlementResult], standing: [SettlementResult]) {
        var ledger: [LedgerRecord] = []
        var detail: [SettlementResult] = []
        var standing: [SettlementResult] = []
        for record in records.sorted(by: { $0.billID < $1.billID }) {
            guard var settlement = record.settlement, let settlementID = settlement.settlementID else { continue }
            settlement.personID = settlement.personID ?? record.personID
            settlement.visitID = settlement.visitID ?? record.visitID
            let part: Amount
            do { part = try settlement.fundPay.adding(settlement.accountPay) } catch {
                throw ChannelError(.invalidResponse, channel: .insurance, reason: "settlement \(settlementID) of bill \(record.billID): fund + account overflows")
            }
            if let booked = record.settledAt, BeijingTime.day(booked) == date {
                ledger.append(LedgerRecord(channel: .insurance, kind: .payment, outTradeNo: settlementID, amount: part, time: booked, settlementID: settlementID))
                detail.append(settlement)
                if record.undoneAt == nil { standing.append(settlement) }
            }
            if let undone = record.undoneAt, BeijingTime.day(undone) == date {
                ledger.append(LedgerRecord(
                    channel: .insurance, kind: .refund, outTradeNo: settlementID, outRefundNo: settlementID, amount: part, time: undone, settlementID: settlementID))
                detail.append(try Self.negated(settlement))
            }
        }
        return (ledger, detail, standing)
    }

    /// A settlement's 3201 group; a part the platform's 2207 answer lacked is sent empty.
    struct Group: Hashable, Comparable {
        let insuranceType: String
        let clearingType: String
        let clearingAgency: String
        static func < (a: Group, b: Group) -> Bool { (a.insuranceType, a.clearingType, a.clearingAgency) < (b.insuranceType, b.clearingType, b.clearingAgency) }
    }

    static func group(_ settlement: SettlementResult) -> Group {
        Group(insuranceType: settlement.insuranceType ?? "", clearingType: settlement.clearingType ?? "", clearingAgency: settlement.clearingAgency ?? "")
    }

    /// The undo line of the 3202 list: the settlement with every amount negated.
    static func negated(_ settlement: SettlementResult) throws -> SettlementResult {
        var undo = settlement
        for keyPath in [\SettlementResult.total, \.fundPay, \.personalPart, \.accountPay, \.cashPay] {
            undo[keyPath: keyPath] = try Amount.zero.subtracting(settlement[keyPath: keyPath])
        }
        return undo
    }

}
