import Foundation
import HISPayCompression
import HISPayCore

/// Streams an Alipay trade bill archive (`bill_type=trade`): a zip of GBK CSV files — the detail
/// (`…_业务明细.csv`) and the summary (`…_业务明细(汇总).csv`) — into `StatementRecord`s.
///
/// Detail rows sit between `#` header and footer lines; id-like fields end with a tab; refunds are
/// rows of type `退款` with negative amounts. The footer's counts and totals (`#交易合计：N笔，商家实收共X元…`,
/// `#退款合计：…`) and the summary file's `合计` row are checked against the rows: a corrupt zip, a
/// missing file, a wrong encoding or a disagreement is an error, never a short list.
public enum AlipayBillParser {
    /// What the bill states about itself, verified against the rows.
    public struct Summary: Hashable, Sendable, Codable {
        public var paymentCount: Int
        public var refundCount: Int
        /// Sum of 商家实收 over trade rows.
        public var paymentAmount: Amount
        /// Sum of 商家实收 over refund rows, as a positive amount.
        public var refundAmount: Amount
        /// Sum of 服务费.
        public var fee: Amount
        /// Rows of a 业务类型 other than 交易/退款, carried through as `StatementRecord/Kind/unclassified`
        /// (outside the footers' totals).
        public var unclassifiedCount: Int

        public init(paymentCount: Int, refundCount: Int, paymentAmount: Amount, refundAmount: Amount, fee: Amount, unclassifiedCount: Int = 0) {
            self.paymentCount = paymentCount
            self.refundCount = refundCount
            self.paymentAmount = paymentAmount
            self.refundAmount = refundAmount
            self.fee = fee
            self.unclassifiedCount = unclassifiedCount
        }
    }

    /// Parses an archive in memory.
    public static func parse(archive data: Data) throws(ChannelError) -> (records: [StatementRecord], summary: Summary) {
        var records: [StatementRecord] = []
        let summary = try parse(archive: data) { records.append($0) }
        return (records, summary)
    }

    /// Streams the archive's detail file into `handle`; returns the verified summary. Each entry is
    /// inflated a chunk at a time and read line by line, so memory does not grow with the bill.
    public static func parse(archive data: Data, _ handle: (StatementRecord) throws -> Void) throws(ChannelError) -> Summary {
        let archive: ZipReader
        do { archive = try ZipReader(data) } catch {
            throw fail("the bill is not a readable zip archive (\(error))")
        }
        var detail: (path: String, parser: AlipayBillDetailParser)?
        var summary: (path: String, lines: [String])?
        var decoder = GB18030.Decoder()
        for entry in archive.entries where !entry.isDirectory {
            var role: Role?
            try forEachLine(of: entry, in: archive) { line, number throws(ChannelError) -> Bool in
                if role == nil {
                    // The first line says what the file is; files of other kinds are skipped unread.
                    let head = ((try? GB18030.decode(line)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                    if head.hasPrefix("#支付宝业务明细查询") {
                        if let detail { throw fail("the archive holds two detail files, \(detail.path) and \(entry.path)") }
                        detail = (entry.path, AlipayBillDetailParser())
                        role = .detail
                    } else if head.hasPrefix("#支付宝业务汇总查询") {
                        summary = (entry.path, [])
                        role = .summary
                    } else {
                        return false
                    }
                }
                if role == .detail, let record = try line.withUnsafeBytes(typed: { bytes throws(ChannelError) in try detail!.parser.plainRecord(bytes) }) {
                    do { try handle(record) } catch { throw fail("\(error)") }
                    return true
                }
                let text: String
                do { text = try line.withUnsafeBytes { try decoder.decode($0) } } catch { throw fail("\(entry.path) line \(number) is not GBK text") }
                if role == .summary {
                    summary?.lines.append(text)
                } else if let record = try detail?.parser.feed(text) {
                    do { try handle(record) } catch { throw fail("\(error)") }
                }
                return true
            }
        }
        guard let detail else { throw fail("the archive holds no detail file (#支付宝业务明细查询)") }
        let totals = try detail.parser.finish()
        if let summary { try AlipayBillDetailParser.checkSummaryFile(summary.lines, against: totals) }
        return totals
    }

    private enum Role { case detail, summary }

    static func fail(_ what: String) -> ChannelError {
        ChannelError(.invalidResponse, channel: .alipay, operation: .statement, reason: "Alipay bill: \(what)")
    }

    /// Inflates `entry` a chunk at a time and hands each line (bytes, without its ending) and its
    /// number to `body` until `body` returns false. Splitting bytes is safe: a GBK trail byte is never 0x0A.
    private static func forEachLine(
        of entry: ZipReader.Entry, in archive: ZipReader, _ body: (Data, Int) throws(ChannelError) -> Bool
    ) throws(ChannelError) {
        var number = 0
        var lines = LineBuffer()
        do {
            var reader = try archive.open(entry)
            while let chunk = try reader.next() {
                lines.append(chunk)
                while let line = lines.nextLine() {
                    number += 1
                    guard try body(line, number) else { return }
                }
            }
        } catch let error as ChannelError {
            throw error
        } catch {
            throw fail("\(error)")
        }
        if let last = lines.remainder() { _ = try body(last, number + 1) }
    }
}
