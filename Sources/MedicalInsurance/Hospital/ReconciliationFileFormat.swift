import Foundation
import HISPayCore

/// How the hospital's settlement list for 3202 detail reconciliation is written. The national file's
/// columns are known only from public hospital-side code, and provinces vary, so it is pluggable.
public protocol ReconciliationFileFormat: Sendable {
    func file(for settlements: [SettlementResult]) throws -> (name: String, contents: Data)
}

/// The national detail list as public hospital-side code carries its columns (binzhe12123/Medical
/// `SZSI_Smart/Model/SYB/YYJGFW/JGDZ3202.cs`): a tab-separated UTF-8 text file, one settlement per
/// line — `setl_id`, `mdtrt_id`, `psn_no`, `medfee_sumamt`, `fund_pay_sumamt`, `acct_pay`,
/// `refd_setl_flag` (`1` when the total is negative) — matched by the platform on `setl_id`. 9101
/// uploads it zipped where ``NHSARegion/zipDetailFile`` says so.
public struct TabSeparatedReconciliationFile: ReconciliationFileFormat {
    public let fileName: String

    public init(fileName: String = "hispay-3202.txt") { self.fileName = fileName }

    public func file(for settlements: [SettlementResult]) throws -> (name: String, contents: Data) {
        let lines = settlements.map { settlement in
            [
                settlement.settlementID ?? "", settlement.visitID ?? "", settlement.personID ?? "", settlement.total.yuanString,
                settlement.fundPay.yuanString, settlement.accountPay.yuanString, settlement.total.isNegative ? "1" : "0",
            ].joined(separator: "\t")
        }
        return (fileName, Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}
