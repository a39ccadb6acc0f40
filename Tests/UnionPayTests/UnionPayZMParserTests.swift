import Foundation
import HISPayCore
import HISPayTestSupport
import Testing
import UnionPay
import ZIPFoundation

@Suite struct UnionPayZMParserTests {
    @Test func publishedLayoutRoundTripsIntoRecords() throws {
        #expect(UnionPayZMParser.lineLength == 607)
        #expect(UnionPayZMLines.payment.utf8.count == 607)
        var records: [StatementRecord] = []
        let summary = try UnionPayZMParser.parse(Data((UnionPayZMLines.payment + "\r\n" + UnionPayZMLines.refund + "\r\n").utf8), settlementDate: "2026-11-22") { records.append($0) }
        #expect(summary == .init(count: 2, paymentAmount: Amount(fen: 1230), refundAmount: Amount(fen: 500), fee: Amount(fen: 4)))
        #expect(records[0].kind == .payment)
        #expect(records[0].outTradeNo == "REG20261122001")
        #expect(records[0].channelTradeNo == "782611221000001234567")
        #expect(records[0].fee == Amount(fen: 7))
        #expect(records[0].time == BeijingTime.parse("2026-11-22 09:59:30"))
        #expect(records[1].kind == .refund)
        #expect(records[1].outTradeNo == "REG20261122001")
        #expect(records[1].outRefundNo == "RF20261122001")
        #expect(records[1].channelTradeNo == "782611221000001234567")
        #expect(records[1].channelRefundNo == "782611221100001234599")
        #expect(records[1].fee == Amount(fen: -3))
    }

    /// txnType codes of the ACP gateway (UnionPay's own demo, as published in Varorbc/PaySharp
    /// `document/银联支付(Unionpay)/upacp_demo_b2c/demo/api_01_gateway/Form_6_6_2_PreauthUndo.aspx.cs`:
    /// 32 is 预授权撤销, for the full amount, naming the pre-authorisation's `origQryId`; its siblings
    /// Form_6_6_1 (02 预授权), Form_6_6_3 (03 预授权完成), Form_6_6_4 (33 预授权完成撤销)). Should a
    /// ZM file list a pre-authorisation or its undo, it is a freeze or a release — never money — and
    /// the completion and its undo are a payment and a refund.
    @Test func preAuthorisationRowsAreFreezesAndReleasesNotMoney() throws {
        func line(_ type: String, order: String, fen: String, queryID: String, original: (queryID: String, order: String)? = nil) -> String {
            UnionPayZMParser.line([
                1: "S22", 4: "123456", 5: "1122100000", 6: "6222********1234", 7: fen, 10: queryID, 12: order, 16: "D000000000000", 17: "C000000000000",
                20: type, 21: "00", 22: "000201", 27: original?.queryID ?? "", 28: "777290058167151", 41: original?.order ?? "",
            ])
        }
        let lines = [
            line("02", order: "DEP001", fen: "000000300000", queryID: "782611221000000000001"),
            line("03", order: "DIS001", fen: "000000246850", queryID: "782611221000000000002", original: ("782611221000000000001", "DEP001")),
            line("33", order: "DIS001U", fen: "000000246850", queryID: "782611221000000000003", original: ("782611221000000000002", "DIS001")),
            line("02", order: "DEP002", fen: "000000200000", queryID: "782611221000000000004"),
            line("32", order: "DEP002R", fen: "000000200000", queryID: "782611221000000000005", original: ("782611221000000000004", "DEP002")),
        ]
        var records: [StatementRecord] = []
        let summary = try UnionPayZMParser.parse(Data(lines.joined(separator: "\r\n").utf8), settlementDate: "2026-11-22") { records.append($0) }
        #expect(records.map(\.kind) == [.freeze, .payment, .refund, .freeze, .release])
        #expect(summary.count == 5 && summary.paymentAmount == Amount(fen: 246_850) && summary.refundAmount == Amount(fen: 246_850))
        #expect(records[0].outTradeNo == "DEP001" && records[0].outRefundNo == nil)
        #expect(records[4].outTradeNo == "DEP002" && records[4].outRefundNo == "DEP002R" && records[4].channelTradeNo == "782611221000000000004")
        #expect(records[2].outTradeNo == "DIS001" && records[2].outRefundNo == "DIS001U")
    }

    @Test func zipFromTheFileTransferIsReadWithItsDateFromTheName() throws {
        let archive = try Archive(data: Data(), accessMode: .create)
        let bytes = Data((UnionPayZMLines.payment + "\r\n").utf8)
        try archive.addEntry(with: "INN26112288ZM_777290058167151", type: .file, uncompressedSize: Int64(bytes.count)) { position, size in
            bytes.subdata(in: Int(position)..<Int(position) + size)
        }
        var count = 0
        let summary = try UnionPayZMParser.parse(try #require(archive.data)) { _ in count += 1 }
        #expect(count == 1)
        #expect(summary.paymentAmount == Amount(fen: 1230))
    }

    /// The ZME (差错) file in the layout of the official SDK's `DemoBase.parseZMEFile` (22 fields,
    /// `3,11,11,6,10,19,12,4,2,2,6,10,4,12,13,13,15,15,1,12,2,135`, one separator byte): read beside the
    /// ZM file of the same transfer and carried as unclassified rows for reconciliation to report.
    @Test func theZMEAdjustmentsOfATransferAreCarriedAsUnclassifiedRows() throws {
        #expect(UnionPayZMEParser.lineLength == 339)  // 318 bytes of fields, 21 separators
        let adjustment = UnionPayZMEParser.line([1: "E74", 4: "223344", 5: "1122150000", 6: "6222********1234", 7: "000000000800", 8: "8062", 9: "07"])
        #expect(adjustment.utf8.count == UnionPayZMEParser.lineLength)
        let archive = try Archive(data: Data(), accessMode: .create)
        for (name, text) in [("INN26112288ZM_777290058167151", UnionPayZMLines.payment), ("INN26112288ZME_777290058167151", adjustment)] {
            let bytes = Data((text + "\r\n").utf8)
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(bytes.count)) { position, size in
                bytes.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        var records: [StatementRecord] = []
        let summary = try UnionPayZMParser.parse(try #require(archive.data)) { records.append($0) }
        #expect(summary.count == 1 && summary.adjustmentCount == 1 && summary.paymentAmount == Amount(fen: 1230))
        #expect(records.map(\.kind) == [.payment, .unclassified])
        #expect(records[1].status == "ZME E74" && records[1].amount == Amount(fen: 800) && records[1].channelTradeNo == "223344")
        #expect(records[1].time == BeijingTime.parse("2026-11-22 15:00:00"))
        let zme = try UnionPayZMEParser.parse(lines: LineReader(data: Data((adjustment + "\n").utf8)), settlementDate: "2026-11-22")
        #expect(zme.first?.fields[7] == "8062" && zme.first?.fields.count == 22)
        #expect(throws: ChannelError(.invalidResponse, reason: "")) {
            try UnionPayZMEParser.parse(lines: LineReader(data: Data(String(adjustment.prefix(200)).utf8)), settlementDate: "2026-11-22")
        }
    }

    @Test func malformedLinesAreNamed() throws {
        let short = String(UnionPayZMLines.payment.prefix(400))
        let badSign = UnionPayZMLines.payment.replacingOccurrences(of: "D000000000007", with: "X000000000007")
        let badAmount = UnionPayZMLines.payment.replacingOccurrences(of: "000000001230", with: "00000000123A")
        for (text, fragment) in [(short, "line 2"), (badSign, "D or C"), (badAmount, "not a number")] {
            do {
                _ = try UnionPayZMParser.parse(Data((UnionPayZMLines.refund + "\r\n" + text + "\r\n").utf8), settlementDate: "2026-11-22") { _ in }
                Issue.record("\(fragment) must fail")
            } catch {
                #expect(error.reason.contains(fragment), "\(error.reason)")
            }
        }
        #expect(throws: ChannelError(.invalidResponse, reason: "")) { try UnionPayZMParser.parse(Data("PK\u{03}\u{04}x".utf8)) { _ in } }
    }
}
