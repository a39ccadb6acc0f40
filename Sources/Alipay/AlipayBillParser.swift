import Foundation
import HISPayCompression
import HISPayCore

/// Streams an Alipay trade bill archive (`bill_type=trade`): a zip of GBK CSV files — the detail
/// (`…_业务明细.csv`) and the summary (`…_业务明细(汇总).csv`) — into ``StatementRecord``s.
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

        public init(paymentCount: Int, refundCount: Int, paymentAmount: Amount, refundAmount: Amount, fee: Amount) {
            self.paymentCount = paymentCount
            self.refundCount = refundCount
            self.paymentAmount = paymentAmount
            self.refundAmount = refundAmount
            self.fee = fee
        }
    }

    /// Parses an archive in memory.
    public static func parse(archive data: Data) throws(ChannelError) -> (records: [StatementRecord], summary: Summary) {
        var records: [StatementRecord] = []
        let summary = try parse(archive: data) { records.append($0) }
        return (records, summary)
    }

    /// Streams the archive's detail file into `handle`; returns the verified summary.
    public static func parse(archive data: Data, _ handle: (StatementRecord) throws -> Void) throws(ChannelError) -> Summary {
        let archive: ZipReader
        do { archive = try ZipReader(data) } catch {
            throw fail("the bill is not a readable zip archive (\(error))")
        }
        var detail: (path: String, contents: Data)?
        var summaryFile: (path: String, contents: Data)?
        for entry in archive.entries where !entry.isDirectory {
            let contents: Data
            do { contents = try archive.contents(of: entry) } catch { throw fail("\(error)") }
            let head = firstLine(of: contents)
            if head.hasPrefix("#支付宝业务明细查询") {
                detail = (entry.path, contents)
            } else if head.hasPrefix("#支付宝业务汇总查询") {
                summaryFile = (entry.path, contents)
            }
        }
        guard let detail else { throw fail("the archive holds no detail file (#支付宝业务明细查询)") }
        var parser = AlipayBillDetailParser()
        try forEachLine(of: detail.contents, path: detail.path) { line throws(ChannelError) in
            if let record = try parser.feed(line) {
                do { try handle(record) } catch { throw fail("\(error)") }
            }
        }
        let totals = try parser.finish()
        if let summaryFile {
            var lines: [String] = []
            try forEachLine(of: summaryFile.contents, path: summaryFile.path) { lines.append($0) }
            try AlipayBillDetailParser.checkSummaryFile(lines, against: totals)
        }
        return totals
    }

    static func fail(_ what: String) -> ChannelError {
        ChannelError(.invalidResponse, channel: .alipay, operation: .statement, reason: "Alipay bill: \(what)")
    }

    private static func firstLine(of contents: Data) -> String {
        let head = contents.prefix(while: { $0 != 0x0A })
        return ((try? GB18030.decode(head)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Decodes an entry line by line (a GBK trail byte is never 0x0A, so splitting bytes is safe).
    private static func forEachLine(of contents: Data, path: String, _ body: (String) throws(ChannelError) -> Void) throws(ChannelError) {
        for (index, line) in LineReader(data: contents).enumerated() {
            let text: String
            do { text = try GB18030.decode(line) } catch {
                throw fail("\(path) line \(index + 1) is not GBK text")
            }
            try body(text)
        }
    }
}
