import Foundation
import HISPayCompression
import HISPayCore
import ZIPFoundation

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
        let archive: Archive
        do { archive = try ZipArchive.reading(data) } catch {
            throw fail("the bill is not a readable zip archive")
        }
        var detail: Entry?
        var summaryLines: [String]?
        for entry in archive where entry.type == .file {
            let head = try firstLine(of: entry, in: archive)
            if head.hasPrefix("#支付宝业务明细查询") {
                detail = entry
            } else if head.hasPrefix("#支付宝业务汇总查询") {
                summaryLines = try lines(of: entry, in: archive)
            }
        }
        guard let detail else { throw fail("the archive holds no detail file (#支付宝业务明细查询)") }
        var parser = AlipayBillDetailParser()
        try forEachLine(of: detail, in: archive) { line throws(ChannelError) in
            if let record = try parser.feed(line) {
                do { try handle(record) } catch { throw fail("\(error)") }
            }
        }
        let totals = try parser.finish()
        if let summaryLines { try AlipayBillDetailParser.checkSummaryFile(summaryLines, against: totals) }
        return totals
    }

    static func fail(_ what: String) -> ChannelError {
        ChannelError(.invalidResponse, channel: .alipay, operation: .statement, reason: "Alipay bill: \(what)")
    }

    private static func firstLine(of entry: Entry, in archive: Archive) throws(ChannelError) -> String {
        var first: String?
        do {
            _ = try archive.extract(entry, bufferSize: 4096) { chunk in
                if first == nil, let end = chunk.firstIndex(of: 0x0A) ?? Optional(chunk.endIndex) {
                    first = (try? GB18030.decode(chunk[chunk.startIndex..<end])) ?? ""
                }
            }
        } catch {
            throw fail("entry \(entry.path) cannot be read (\(error))")
        }
        return first?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    }

    private static func lines(of entry: Entry, in archive: Archive) throws(ChannelError) -> [String] {
        var out: [String] = []
        try forEachLine(of: entry, in: archive) { out.append($0) }
        return out
    }

    /// Decodes the entry line by line (a GBK trail byte is never 0x0A, so splitting bytes is safe).
    private static func forEachLine(of entry: Entry, in archive: Archive, _ body: (String) throws(ChannelError) -> Void) throws(ChannelError) {
        var pending = Data()
        var lineNumber = 0
        var failure: ChannelError?
        func emit(_ bytes: Data) throws(ChannelError) {
            lineNumber += 1
            var raw = bytes
            if raw.last == 0x0D { raw.removeLast() }
            let text: String
            do { text = try GB18030.decode(raw) } catch {
                throw fail("\(entry.path) line \(lineNumber) is not GBK text")
            }
            try body(text)
        }
        do {
            _ = try archive.extract(entry) { chunk in
                guard failure == nil else { return }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: 0x0A) {
                    let line = pending[pending.startIndex..<newline]
                    pending = Data(pending[(newline + 1)...])
                    do { try emit(Data(line)) } catch {
                        failure = (error as? ChannelError) ?? fail("\(error)")
                        return
                    }
                }
            }
        } catch {
            throw fail("entry \(entry.path) is corrupt (\(error))")
        }
        if let failure { throw failure }
        if !pending.isEmpty { try emit(pending) }
    }
}
