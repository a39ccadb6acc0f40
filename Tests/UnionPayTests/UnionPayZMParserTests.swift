import Foundation
import HISPayCore
import HISPayTestSupport
import Testing
import UnionPay
import ZIPFoundation

@Suite struct UnionPayZMParserTests {
    static let payment = UnionPayZMParser.line([1: "S22", 4: "123456", 5: "1122095930", 6: "6222********1234", 7: "000000001230", 10: "782611221000001234567",
                               12: "REG20261122001", 16: "D000000000007", 17: "C000000001223", 20: "01", 21: "06", 22: "000000", 28: "777290058167151",
                               33: "C000000001223"])
    static let refund = UnionPayZMParser.line([1: "S30", 4: "123457", 5: "1122110000", 7: "000000000500", 10: "782611221100001234599", 12: "RF20261122001",
                              16: "C000000000003", 17: "D000000000497", 20: "04", 21: "00", 22: "000201", 27: "782611221000001234567",
                              28: "777290058167151", 33: "D000000000497", 41: "REG20261122001"])

    @Test func publishedLayoutRoundTripsIntoRecords() throws {
        #expect(UnionPayZMParser.lineLength == 607)
        #expect(Self.payment.utf8.count == 607)
        var records: [StatementRecord] = []
        let summary = try UnionPayZMParser.parse(Data((Self.payment + "\r\n" + Self.refund + "\r\n").utf8), settlementDate: "2026-11-22") { records.append($0) }
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

    @Test func zipFromTheFileTransferIsReadWithItsDateFromTheName() throws {
        let archive = try Archive(data: Data(), accessMode: .create)
        let bytes = Data((Self.payment + "\r\n").utf8)
        try archive.addEntry(with: "INN26112288ZM_777290058167151", type: .file, uncompressedSize: Int64(bytes.count)) { position, size in
            bytes.subdata(in: Int(position)..<Int(position) + size)
        }
        var count = 0
        let summary = try UnionPayZMParser.parse(try #require(archive.data)) { _ in count += 1 }
        #expect(count == 1)
        #expect(summary.paymentAmount == Amount(fen: 1230))
    }

    @Test func malformedLinesAreNamed() throws {
        let short = String(Self.payment.prefix(400))
        let badSign = Self.payment.replacingOccurrences(of: "D000000000007", with: "X000000000007")
        let badAmount = Self.payment.replacingOccurrences(of: "000000001230", with: "00000000123A")
        for (text, fragment) in [(short, "line 2"), (badSign, "D or C"), (badAmount, "not a number")] {
            do {
                _ = try UnionPayZMParser.parse(Data((Self.refund + "\r\n" + text + "\r\n").utf8), settlementDate: "2026-11-22") { _ in }
                Issue.record("\(fragment) must fail")
            } catch {
                #expect(error.reason.contains(fragment), "\(error.reason)")
            }
        }
        #expect(throws: ChannelError(.invalidResponse, reason: "")) { try UnionPayZMParser.parse(Data("PK\u{03}\u{04}x".utf8)) { _ in } }
    }
}
