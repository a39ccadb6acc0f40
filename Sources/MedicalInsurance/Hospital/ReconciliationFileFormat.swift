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

extension TabSeparatedReconciliationFile {
    /// Reads such a settlement list back as statement rows: one row per settlement, the insurance
    /// part (fund + personal account) as the amount, `setl_id` as the order number, an undo (refund
    /// flag `1`) as a refund. The file has no times: rows carry `time`, typically noon of the
    /// business day. A malformed line is an error naming it. (The reconciliation reads the
    /// platform's 3202 result, ``DetailReconciliationResult``; this reads the hospital's own list.)
    public static func statementRecords(_ data: Data, time: Date) throws(ChannelError) -> [StatementRecord] {
        var records: [StatementRecord] = []
        for (index, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            guard fields.count >= 7, !fields[0].isEmpty, let fund = try? Amount(yuan: fields[4], allowNegative: true),
                let account = try? Amount(yuan: fields[5], allowNegative: true), let insurance = try? fund.adding(account),
                let magnitude = insurance.isNegative ? try? Amount.zero.subtracting(insurance) : insurance
            else {
                throw ChannelError(.invalidResponse, channel: .insurance, reason: "settlement list line \(index + 1) is not setl_id, mdtrt_id, psn_no, 3 amounts and a refund flag")
            }
            let isRefund = fields[6] == "1"
            records.append(StatementRecord(
                channel: .insurance, kind: isRefund ? .refund : .payment, outTradeNo: fields[0], channelTradeNo: fields[0],
                outRefundNo: isRefund ? fields[0] : nil, amount: magnitude,
                fee: .zero, time: time, status: isRefund ? "UNDONE" : "SETTLED"))
        }
        return records
    }
}
