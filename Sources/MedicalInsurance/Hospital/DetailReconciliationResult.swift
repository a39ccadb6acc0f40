import Foundation
import HISPayCompression
import HISPayCore

/// The result file of 3202 detail reconciliation (对明细账), as the platform returns it for download
/// (9102: the HTTP body is the file, a zip holding one text file, as public hospital-side code saves
/// it — binzhe12123/Medical `SZSI_Smart/Controllers/SYBController.cs` writes it to `file.zip`).
///
/// One row per settlement the platform compared, tab-separated, in the order of the national result
/// table as public code carries it (binzhe12123/Medical `SZSI_Smart/Model/SYB/YYJGFW/JGDZ3202.cs`):
/// `psn_no`, `mdtrt_id`, `setl_id`, `msgid`, `stmt_rslt`, `refd_setl_flag`, `memo`, then the platform's
/// `medfee_sumamt`, `fund_pay_sumamt`, `acct_pay`. `stmt_rslt` says whether the platform's record
/// agrees with the hospital's line (``NHSARegion/balancedResults``); `refd_setl_flag` `1` marks an
/// undo. The platform's own amounts, not the list the hospital uploaded, are what the reconciliation
/// checks the HIS against.
public struct DetailReconciliationResult: Sendable, Hashable {
    public struct Row: Sendable, Hashable {
        public var personID: String
        public var visitID: String
        public var settlementID: String
        /// `msgid`: the message the settlement was sent under.
        public var messageID: String
        /// `stmt_rslt`.
        public var result: String
        public var isRefund: Bool
        public var memo: String
        public var total: Amount
        public var fundPay: Amount
        public var accountPay: Amount

        /// The insurance part the platform paid or took back (fund + personal account).
        public var insurancePart: Amount { get throws { try fundPay.adding(accountPay) } }
    }

    public var rows: [Row]

    /// Reads the file: a zip holding the text (its first file entry), or the text itself.
    public init(file data: Data) throws(ChannelError) {
        var text = data
        if ZipReader.isArchive(data) {
            do {
                let archive = try ZipReader(data)
                guard let entry = archive.first(where: { !$0.isDirectory }) else {
                    throw ChannelError(.invalidResponse, channel: .insurance, reason: "the 3202 result archive holds no file")
                }
                text = try archive.contents(of: entry)
            } catch let error as ChannelError { throw error } catch {
                throw ChannelError(.invalidResponse, channel: .insurance, reason: "the 3202 result archive is unreadable: \(error)")
            }
        }
        var rows: [Row] = []
        for (index, line) in String(decoding: text, as: UTF8.self).split(whereSeparator: \.isNewline).enumerated() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            func amount(_ column: Int, _ name: String) throws(ChannelError) -> Amount {
                do { return try Amount(yuan: fields[column], allowNegative: true) } catch {
                    throw ChannelError(.invalidResponse, channel: .insurance, reason: "3202 result line \(index + 1): \(name) is not an amount")
                }
            }
            guard fields.count >= 10, !fields[2].isEmpty, !fields[4].isEmpty else {
                throw ChannelError(
                    .invalidResponse, channel: .insurance,
                    reason: "3202 result line \(index + 1) is not psn_no, mdtrt_id, setl_id, msgid, stmt_rslt, refd_setl_flag, memo and three amounts (\(fields.count) fields)")
            }
            rows.append(Row(
                personID: fields[0], visitID: fields[1], settlementID: fields[2], messageID: fields[3], result: fields[4], isRefund: fields[5] == "1",
                memo: fields[6], total: try amount(7, "medfee_sumamt"), fundPay: try amount(8, "fund_pay_sumamt"), accountPay: try amount(9, "acct_pay")))
        }
        self.rows = rows
    }

    /// The rows as statement records for the reconciliation: the insurance part (fund + account) by
    /// `setl_id`, an undo as a refund; a row the platform does not hold balanced carries its
    /// `stmt_rslt` and memo as `StatementRecord/dispute`, so it is never taken as matched.
    public func statementRecords(time: Date, region: NHSARegion = .national) throws(ChannelError) -> [StatementRecord] {
        var records: [StatementRecord] = []
        for row in rows {
            let part: Amount
            do { part = try row.insurancePart } catch {
                throw ChannelError(.invalidResponse, channel: .insurance, reason: "3202 result \(row.settlementID): fund + account overflows")
            }
            guard let magnitude = part.isNegative ? try? Amount.zero.subtracting(part) : part else {
                throw ChannelError(.invalidResponse, channel: .insurance, reason: "3202 result \(row.settlementID): amount out of range")
            }
            let balanced = region.balancedResults.contains(row.result)
            records.append(StatementRecord(
                channel: .insurance, kind: row.isRefund ? .refund : .payment, outTradeNo: row.settlementID, channelTradeNo: row.settlementID,
                outRefundNo: row.isRefund ? row.settlementID : nil, amount: magnitude, fee: .zero, time: time,
                status: row.isRefund ? "UNDONE" : "SETTLED", dispute: balanced ? nil : "stmt_rslt \(row.result): \(row.memo)"))
        }
        return records
    }
}
