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
        let file = url.lastPathComponent
        var positions: Positions?
        var number = 0
        var bounds: [Range<Int>] = []
        var decoder = GB18030.Decoder()
        var plain = PlainRow(channels: channels)
        do {
            try LineReader(fileURL: url).forEachLine { line in
                number += 1
                var bytes = line
                if number == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = UnsafeRawBufferPointer(rebasing: bytes.dropFirst(3)) }
                if bytes.isEmpty { return }
                // Most rows are plain ASCII without quotes: their fields are read in place.
                if let at = positions, !bytes.contains(where: { $0 >= 0x80 || $0 == UInt8(ascii: "\"") }) {
                    ByteFields.split(bytes, at: UInt8(ascii: ","), into: &bounds)
                    let fields = bounds
                    func field(_ index: Int?) -> UnsafeRawBufferPointer? {
                        guard let index, index < fields.count else { return nil }
                        let field = ByteFields.trimmed(UnsafeRawBufferPointer(rebasing: bytes[fields[index]]))
                        return field.isEmpty ? nil : field
                    }
                    if let record = plain.record(at, field) { return try body(record) }
                    // Something is wrong with the row: the text path says what.
                    return try body(Self.record(at, line: number, file: file, channels: channels) { field($0).map { String(decoding: $0, as: UTF8.self) } })
                }
                let text: String
                if let utf8 = String(validating: bytes, as: UTF8.self) {
                    text = utf8
                } else {
                    do { text = try decoder.decode(bytes) } catch {
                        throw ReconciliationError(.malformedLedger, "\(file) line \(number) is neither UTF-8 nor GBK text")
                    }
                }
                let fields = Self.split(text)
                guard let at = positions else {
                    positions = try Positions(header: fields.map { $0.trimmingSpaces.lowercased() }, file: file)
                    return
                }
                try body(Self.record(at, line: number, file: file, channels: channels) { index in
                    guard let index, index < fields.count else { return nil }
                    let text = fields[index].trimmingSpaces
                    return text.isEmpty ? nil : text
                })
            }
        } catch is StatementInputError {
            throw ReconciliationError(.unreadable, "cannot read the ledger \(url.path)")
        }
        if positions == nil { throw ReconciliationError(.malformedLedger, "\(file) is empty: no header row") }
    }

    /// The kinds a ledger row may have.
    static let kinds: [StatementRecord.Kind] = [.payment, .refund, .freeze, .release]

    /// Where the header put each column (`nil`: an optional column the file does not have).
    struct Positions {
        let channel, kind, outTradeNo, amount, time: Int
        let outRefundNo, settlementID, status, partner: Int?

        init(header names: [String], file: String) throws {
            let columns = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
            func required(_ name: String) throws -> Int {
                guard let index = columns[name] else { throw ReconciliationError(.malformedLedger, "\(file) header lacks the column \(name)") }
                return index
            }
            (channel, kind, outTradeNo, amount, time) = (
                try required("channel"), try required("kind"), try required("out_trade_no"), try required("amount"), try required("time")
            )
            (outRefundNo, settlementID, status, partner) = (columns["out_refund_no"], columns["settlement_id"], columns["status"], columns["partner"])
        }
    }

    /// A plain row's record read from its bytes — kind, amount, time and status without making
    /// strings, the channel name compared with the last one's bytes — or nil when a field is not
    /// as expected (the text path then names the problem). Making a string of every field was
    /// four fifths of reading the ledger.
    struct PlainRow {
        let channels: [String: ChannelID]
        private var last: (name: [UInt8], channel: ChannelID)?

        init(channels: [String: ChannelID]) { self.channels = channels }

        mutating func record(_ at: Positions, _ field: (Int?) -> UnsafeRawBufferPointer?) -> LedgerRecord? {
            guard let name = field(at.channel), let kindName = field(at.kind), let outTradeNo = field(at.outTradeNo),
                let amountText = field(at.amount), let amount = try? Amount(yuan: amountText), let timeText = field(at.time),
                let time = BeijingTime.parse(utf8: timeText)
            else { return nil }
            guard let kind = LedgerCSV.kinds.first(where: { kindName.elementsEqual($0.name.utf8) }) else { return nil }
            let channel: ChannelID
            if let last, name.elementsEqual(last.name) {
                channel = last.channel
            } else {
                let text = String(decoding: name, as: UTF8.self)
                channel = channels[text] ?? ChannelID(text)
                last = (Array(name), channel)
            }
            func text(_ index: Int?) -> String? { field(index).map { String(decoding: $0, as: UTF8.self) } }
            let status = field(at.status)
            return LedgerRecord(
                channel: channel, kind: kind, outTradeNo: String(decoding: outTradeNo, as: UTF8.self), outRefundNo: text(at.outRefundNo), amount: amount,
                time: time, settlementID: text(at.settlementID),
                status: status.map { $0.elementsEqual("success".utf8) ? "success" : String(decoding: $0, as: UTF8.self) } ?? "success",
                partner: text(at.partner))
        }
    }

    /// One row from its fields: `field` gives a column's text, trimmed, or nil when it is empty or absent.
    static func record(
        _ at: Positions, line: Int, file: String, channels: [String: ChannelID], _ field: (Int?) -> String?
    ) throws -> LedgerRecord {
        func required(_ position: Int, _ name: String) throws -> String {
            guard let text = field(position) else { throw ReconciliationError(.malformedLedger, "\(file) line \(line): \(name) is empty") }
            return text
        }
        let channelName = try required(at.channel, "channel")
        let channel = channels[channelName] ?? ChannelID(channelName)
        let kindName = try required(at.kind, "kind")
        guard let kind = kinds.first(where: { $0.name == kindName }) else {
            throw ReconciliationError(.malformedLedger, "\(file) line \(line): kind \(kindName) is not payment, refund, freeze or release")
        }
        let amount: Amount
        do { amount = try Amount(yuan: try required(at.amount, "amount")) } catch let error as ReconciliationError { throw error } catch {
            throw ReconciliationError(.malformedLedger, "\(file) line \(line): amount: \(error)")
        }
        let timeText = try required(at.time, "time")
        guard let time = BeijingTime.parse(timeText) else {
            throw ReconciliationError(.malformedLedger, "\(file) line \(line): time \(timeText) is not yyyy-MM-dd HH:mm:ss")
        }
        return LedgerRecord(
            channel: channel, kind: kind, outTradeNo: try required(at.outTradeNo, "out_trade_no"), outRefundNo: field(at.outRefundNo),
            amount: amount, time: time, settlementID: field(at.settlementID), status: field(at.status) ?? "success", partner: field(at.partner))
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
            throw ReconciliationError(.unreadable, "cannot write the ledger \(url.path): \(FileFailure.reason(error))")
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
