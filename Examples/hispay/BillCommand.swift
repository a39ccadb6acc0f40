import ArgumentParser
import Foundation
import HISPay

/// `hispay bill parse`: streams a channel statement into normalized records (JSON lines), or with
/// `--summary` prints the totals checked against the file's own summary row.
struct BillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bill", abstract: "Work with channel statements.", subcommands: [Parse.self])

    struct Parse: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Parse a statement file into normalized records.")

        @OptionGroup var global: GlobalOptions

        @Option(help: "wechatpay or wechatpay-v2 (the trade bill), alipay (the bill zip archive), unionpay (the file-transfer zip, or its INN…ZM_ file), insurance (the NHSA's 3202 result, with --date) or hospitalcard (the card's day statement, `card statement --out`).")
        var channel: ChannelOption

        @Option(help: "The statement's business day, yyyy-MM-dd: for the NHSA's 3202 result, and a UnionPay ZM file whose name does not carry it.")
        var date: String?

        @Argument(help: "The statement file.")
        var file: String

        @Flag(help: "Print only the verified totals.")
        var summary = false

        struct Record: Encodable {
            let channel: String
            let kind: String
            let outTradeNo: String
            let channelTradeNo: String
            let outRefundNo: String?
            let channelRefundNo: String?
            let amount: Int64
            let fee: Int64
            let time: String
            let status: String
            /// What was repaired when the row was written irregularly (omitted otherwise).
            let repair: String?
        }

        struct Totals: Encodable {
            let count: Int
            let paymentAmount: Int64
            let refundAmount: Int64
            let fee: Int64
            /// Rows neither payment nor refund (Alipay's other 业务类型, UnionPay's ZME adjustments).
            let unclassified: Int
        }

        func run() async throws {
            guard FileManager.default.isReadableFile(atPath: file) else { throw CLIError("cannot read \(file)") }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let out = FileHandle.standardOutput
            let printRecords = !summary
            let emit = { (record: StatementRecord) throws in
                guard printRecords else { return }
                out.write(try encoder.encode(Record(
                    channel: record.channel.rawValue, kind: record.kind.name, outTradeNo: record.outTradeNo,
                    channelTradeNo: record.channelTradeNo, outRefundNo: record.outRefundNo, channelRefundNo: record.channelRefundNo,
                    amount: record.amount.fen, fee: record.fee.fen, time: BeijingTime.iso8601(record.time), status: record.status,
                    repair: record.repair)))
                out.write(Data("\n".utf8))
            }
            let day = try date.map { try CLITime.day($0) }
            let stated = try ChannelOption.registry.statementParser(named: channel.rawValue).parse(StatementInput(fileURL: URL(fileURLWithPath: file), businessDate: day), emit)
            let totals = Totals(
                count: stated.count, paymentAmount: stated.paymentAmount.fen, refundAmount: stated.refundAmount.fen, fee: stated.fee.fen,
                unclassified: stated.unclassified)
            if summary { try JSONOutput.print(totals) }
        }
    }
}
