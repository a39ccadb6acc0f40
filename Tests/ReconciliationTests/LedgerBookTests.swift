import Foundation
import HISPayCore
@testable import Reconciliation
import Testing

/// The reconciler's packed ledger: every row comes back as it was booked, is found by its key across
/// many doublings of the table and chunk boundaries, and a second row with a key is refused.
@Suite struct LedgerBookTests {
    static func row(_ number: Int) -> LedgerRecord {
        LedgerRecord(
            channel: number % 3 == 0 ? .alipay : .wechatPay, kind: number % 5 == 0 ? .refund : .payment,
            outTradeNo: number % 7 == 0 ? "门诊-\(number)-一个很长的订单号超过十五个字节" : "REG\(number)",
            outRefundNo: number % 5 == 0 ? "REG\(number)R1" : nil, amount: Amount(fen: Int64(number) * 37 - 5),
            time: Date(timeIntervalSince1970: 1_795_312_800.25 + Double(number)), settlementID: number % 11 == 0 ? "SETL\(number)" : nil,
            status: number % 13 == 0 ? "pending" : "success", partner: number % 17 == 0 ? "pool-\(number)" : nil)
    }

    static func key(_ row: LedgerRecord) -> MatchKey {
        row.kind == .refund
            ? MatchKey(channel: row.channel, kind: .refund, number: row.outRefundNo ?? "")
            : MatchKey(channel: row.channel, kind: .payment, number: row.outTradeNo)
    }

    @Test func rowsComeBackAsBookedAndAreFoundByKey() throws {
        let book = LedgerBook()
        let count = 300_000  // about 15 MB packed: several chunks and table doublings
        var addresses: [LedgerBook.Address] = []
        for number in 0..<count {
            let row = Self.row(number)
            addresses.append(try #require(try book.insert(row, key: Self.key(row), carried: number % 2 == 0)))
        }
        #expect(book.count == count)
        #expect(book.addresses == addresses)
        var wrong = 0
        for number in stride(from: 0, to: count, by: 7) {
            let row = Self.row(number)
            let address = addresses[number]
            if book.record(address) != row || book.find(Self.key(row)) != address || book.amount(address) != row.amount
                || book.isBooked(address) != row.isBooked || book.isCarried(address) != (number % 2 == 0) || book.settlementID(address) != row.settlementID
            { wrong += 1 }
        }
        #expect(wrong == 0)
        // A second row with a key is refused; the same number under another channel or kind is another key.
        #expect(try book.insert(Self.row(10), key: Self.key(Self.row(10)), carried: false) == nil)
        #expect(book.find(MatchKey(channel: .unionPay, kind: .payment, number: "REG1")) == nil)
        #expect(book.find(MatchKey(channel: .wechatPay, kind: .freeze, number: "REG1")) == nil)
        #expect(book.find(MatchKey(channel: .wechatPay, kind: .payment, number: "REG\(count)")) == nil)
        // Settling marks one row only.
        book.settle(addresses[42])
        #expect(book.isSettled(addresses[42]) && !book.isSettled(addresses[41]) && !book.isSettled(addresses[43]))
        #expect(book.record(addresses[42]) == Self.row(42))
    }
}
