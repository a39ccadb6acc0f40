import Foundation
import HISPayCore

/// Reads the ZME file (差错/adjustments: `INN<yyMMdd>88ZME_<merId>`) of a UnionPay file transfer: 22
/// fixed-width fields of `3,11,11,6,10,19,12,4,2,2,6,10,4,12,13,13,15,15,1,12,2,135` bytes with one
/// separator byte between (339 bytes a line), the widths of the official SDK's `DemoBase.parseZMEFile`
/// (《全渠道平台接入接口规范 第3部分 文件接口》 6.2). Field names past the seventh were not found in public
/// sources: fields 1–7 are read as the ZM file names them (交易代码, 代理机构标识码, 发送机构标识码,
/// 系统跟踪号, 交易传输时间, 账号, 交易金额), every field is kept by position, and each record is carried
/// into reconciliation as an unclassified row to be looked at. A short line or a non-numeric amount is
/// an error naming the line.
public enum UnionPayZMEParser {
    static let layout = UnionPayFixedWidthLayout([3, 11, 11, 6, 10, 19, 12, 4, 2, 2, 6, 10, 4, 12, 13, 13, 15, 15, 1, 12, 2, 135])

    /// Field widths in bytes, in order.
    public static var widths: [Int] { layout.widths }
    /// Bytes per record line.
    package static var lineLength: Int { layout.lineLength }

    /// A ZME line from field values by 1-based position (for tests and the sandbox).
    public static func line(_ values: [Int: String]) -> String { layout.line(values) }

    /// One adjustment.
    public struct Record: Hashable, Sendable {
        /// 交易代码 (field 1).
        public var transactionCode: String
        /// 系统跟踪号 (field 4).
        public var traceNo: String
        /// 交易传输时间 (field 5) in the settlement's year.
        public var time: Date
        /// 交易金额 (field 7).
        public var amount: Amount
        /// Every field by position (index 0 is field 1), spaces trimmed.
        public var fields: [String]

        /// As a statement row: unclassified (reconciliation reports it), `status` `ZME <交易代码>`.
        public var statementRecord: StatementRecord {
            StatementRecord(
                channel: .unionPay, kind: .unclassified, outTradeNo: "", channelTradeNo: traceNo, amount: amount, fee: .zero, time: time,
                status: "ZME \(transactionCode)")
        }
    }

    /// Reads ZME lines of a file settled on `settlementDate` (`yyyy-MM-dd`).
    public static func parse(lines: some Sequence<Data>, settlementDate: String) throws(ChannelError) -> [Record] {
        guard let settled = UnionPayFixedWidthLayout.settlement(settlementDate) else { throw fail(0, "settlement date \(settlementDate) is not yyyy-MM-dd") }
        var records: [Record] = []
        for (index, line) in lines.enumerated() {
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) { continue }
            let bytes = Array(line)
            guard bytes.count >= layout.lineLength else {
                throw fail(index + 1, "has \(bytes.count) bytes; a ZME record has \(layout.lineLength) (truncated line)")
            }
            let fields = layout.widths.indices.map { layout.text(bytes, $0 + 1) }
            guard let time = UnionPayFixedWidthLayout.time(fields[4], year: settled.year, settleMonth: settled.month) else {
                throw fail(index + 1, "field 5 交易传输时间 \"\(fields[4])\" is not MMDDhhmmss")
            }
            guard !fields[6].isEmpty, fields[6].utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let fen = Int64(fields[6]) else {
                throw fail(index + 1, "field 7 交易金额 \"\(fields[6])\" is not a number of fen")
            }
            records.append(Record(transactionCode: fields[0], traceNo: fields[3], time: time, amount: Amount(fen: fen), fields: fields))
        }
        return records
    }

    static func fail(_ line: Int, _ what: String) -> ChannelError {
        ChannelError(.invalidResponse, channel: .unionPay, operation: .statement, reason: line > 0 ? "ZME line \(line): \(what)" : "UnionPay ZME file: \(what)")
    }
}
