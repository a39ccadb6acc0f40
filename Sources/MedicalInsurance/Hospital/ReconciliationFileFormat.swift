import Foundation
import HISPayCore

/// How the hospital's settlement list for 3202 detail reconciliation is written. The platform's
/// format is not public and varies by province, so it is pluggable.
public protocol ReconciliationFileFormat: Sendable {
    func file(for settlements: [SettlementResult]) throws -> (name: String, contents: Data)
}

/// The default format HISPay chose: a tab-separated UTF-8 text file, one settlement per line —
/// `setl_id`, `mdtrt_id`, `medfee_sumamt`, `fund_pay_sumamt`, `acct_pay`, `psn_cash_pay`, refund flag
/// (`1` when the total is negative) — matched by the platform on `setl_id`.
public struct TabSeparatedReconciliationFile: ReconciliationFileFormat {
    public let fileName: String

    public init(fileName: String = "hispay-3202.txt") { self.fileName = fileName }

    public func file(for settlements: [SettlementResult]) throws -> (name: String, contents: Data) {
        let lines = settlements.map { settlement in
            [
                settlement.settlementID ?? "", settlement.visitID ?? "", settlement.total.yuanString, settlement.fundPay.yuanString,
                settlement.accountPay.yuanString, settlement.cashPay.yuanString, settlement.total.isNegative ? "1" : "0",
            ].joined(separator: "\t")
        }
        return (fileName, Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}
