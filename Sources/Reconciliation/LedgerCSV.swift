import Foundation
import HISPayCore

/// The HIS ledger as a CSV file, streamed line by line: UTF-8 (with or without BOM) or GBK, a header
/// row naming the columns `channel, kind, out_trade_no, out_refund_no, amount, time, settlement_id,
/// status, partner` in any order (`out_refund_no`, `settlement_id`, `status` and `partner` — the
/// resource-pool partner that sold the order — may be absent), one row per
/// payment (`kind` = `payment`), refund (`refund`) or pre-authorisation freeze (`freeze`, by its order
/// number) or release (`release`, by its request number in `out_refund_no`). Amounts are yuan with up to two decimals
/// (`12.30`), times `yyyy-MM-dd HH:mm:ss` Beijing time. A bad row is an error naming its line.
/// The `channel` column holds a channel's id (`wechatpay`, `wechatpayV2`) or a name `channels` maps
/// to one (the channel registry's command-line names, e.g. `wechatpay-v2`).
public struct LedgerCSV: LedgerSource {
    public let url: URL
    /// Channel names the `channel` column may use besides the ids.
    public let channels: [String: ChannelID]

    public init(url: URL, channels: [String: ChannelID] = [:]) {
        self.url = url
        self.channels = channels
    }

    static let required = ["channel", "kind", "out_trade_no", "amount", "time"]

    public func forEach(_ body: (LedgerRecord) throws -> Void) throws {
        guard FileManager.default.isReadableFile(atPath: url.path) else {
            throw ReconciliationError(.unreadable, "cannot read the ledger \(url.path)")
        }
        var columns: [String: Int]?
        var number = 0
        for line in LineReader(fileURL: url) {
            number += 1
            var bytes = line
            if bytes.last == 0x0D { bytes.removeLast() }
            if number == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
            if bytes.isEmpty { continue }
            let text: String
            if let utf8 = String(validating: bytes, as: UTF8.self) {
                text = utf8
            } else {
                do { text = try GB18030.decode(bytes) } catch {
                    throw ReconciliationError(.malformedLedger, "\(url.lastPathComponent) line \(number) is neither UTF-8 nor GBK text")
                }
            }
            let fields = Self.split(text)
            guard let header = columns else {
                let names = fields.map { $0.trimmingSpaces.lowercased() }
                if let missing = Self.required.first(where: { !names.contains($0) }) {
                    throw ReconciliationError(.malformedLedger, "\(url.lastPathComponent) header lacks the column \(missing)")
                }
                columns = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
                continue
            }
            try body(try Self.record(fields, header, line: number, file: url.lastPathComponent, channels: channels))
        }
        if columns == nil { throw ReconciliationError(.malformedLedger, "\(url.lastPathComponent) is empty: no header row") }
    }

    static func record(_ fields: [String], _ columns: [String: Int], line: Int, file: String, channels: [String: ChannelID]) throws -> LedgerRecord {
        func value(_ name: String) -> String? {
            guard let index = columns[name], index < fields.count else { return nil }
            let text = fields[index].trimmingSpaces
            return text.isEmpty ? nil : text
        }
        func required(_ name: String) throws -> String {
            guard let text = value(name) else { throw ReconciliationError(.malformedLedger, "\(file) line \(line): \(name) is empty") }
            return text
        }
        let channelName = try required("channel")
        let channel = channels[channelName] ?? ChannelID(channelName)
        let kindName = try required("kind")
        guard ["payment", "refund", "freeze", "release"].contains(kindName) else {
            throw ReconciliationError(.malformedLedger, "\(file) line \(line): kind \(kindName) is not payment, refund, freeze or release")
        }
        let amount: Amount
        do { amount = try Amount(yuan: try required("amount")) } catch let error as ReconciliationError { throw error } catch {
            throw ReconciliationError(.malformedLedger, "\(file) line \(line): amount: \(error)")
        }
        guard let time = BeijingTime.parse(try required("time")) else {
            throw ReconciliationError(.malformedLedger, "\(file) line \(line): time \(value("time") ?? "") is not yyyy-MM-dd HH:mm:ss")
        }
        return LedgerRecord(
            channel: channel, kind: StatementRecord.Kind(kindName), outTradeNo: try required("out_trade_no"), outRefundNo: value("out_refund_no"),
            amount: amount, time: time, settlementID: value("settlement_id"), status: value("status") ?? "success", partner: value("partner"))
    }

    /// Writes `rows` as a ledger file this type reads back (UTF-8 with a BOM, so Excel and WPS open it).
    public static func write(_ rows: [LedgerRecord], to url: URL) throws {
        var lines = ["channel,kind,out_trade_no,out_refund_no,amount,time,settlement_id,status"]
        for row in rows {
            lines.append([
                row.channel.rawValue, row.kind.name, row.outTradeNo, row.outRefundNo ?? "", row.amount.yuanString, BeijingTime.format(row.time),
                row.settlementID ?? "", row.status,
            ].map(ReportFiles.field).joined(separator: ","))
        }
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(("\u{FEFF}" + lines.joined(separator: "\r\n") + "\r\n").utf8).write(to: url)
        } catch {
            throw ReconciliationError(.unreadable, "cannot write the ledger \(url.path)")
        }
    }

    /// Splits one CSV line: commas separate, double quotes enclose (`""` is a quote inside).
    static func split(_ line: String) -> [String] {
        // Most lines quote nothing: split them without walking characters one by one.
        if !line.utf8.contains(UInt8(ascii: "\"")) {
            return line.utf8.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map { String(Substring($0)) }
        }
        var fields: [String] = []
        var current = ""
        var quoted = false
        var iterator = line.makeIterator()
        while let character = iterator.next() {
            if quoted {
                if character == "\"" {
                    // Either the closing quote or the first of an escaped pair.
                    var lookahead = iterator
                    if lookahead.next() == "\"" {
                        current.append("\"")
                        iterator = lookahead
                    } else {
                        quoted = false
                    }
                } else {
                    current.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                fields.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        fields.append(current)
        return fields
    }
}
