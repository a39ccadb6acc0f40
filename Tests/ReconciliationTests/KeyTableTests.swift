import HISPayCore
@testable import Reconciliation
import Testing

/// The reconciler's hash table: every key found at the index it was added with, duplicates refused
/// with the first index, absent keys not found — across many doublings of the table.
@Suite struct KeyTableTests {
    @Test func keysAreFoundAcrossGrowthAndDuplicatesRefused() {
        var table = KeyTable()
        func key(_ number: Int, _ kind: MatchKey.Kind = .payment, channel: ChannelID = .wechatPay, amount: Int64 = 0) -> MatchKey {
            MatchKey(channel: channel, kind: kind, number: "REG\(number)", amount: amount)
        }
        let count = 200_000
        for number in 0..<count { #expect(table.insert(key(number)) == nil) }
        // The same number under another kind, channel or amount is another key.
        #expect(table.insert(key(7, .refund)) == nil)
        #expect(table.insert(key(7, channel: .alipay)) == nil)
        #expect(table.insert(key(7, .refundOfOrder, amount: 100)) == nil)
        #expect(table.insert(key(7, .refundOfOrder, amount: 101)) == nil)
        #expect(table.count == count + 4)
        var misplaced = 0
        for number in 0..<count where table.index(of: key(number)) != number { misplaced += 1 }
        #expect(misplaced == 0)
        #expect(table.insert(key(123)) == 123)
        #expect(table.insert(key(7, .refundOfOrder, amount: 101)) == count + 3)
        #expect(table.count == count + 4)
        #expect(table.index(of: key(count)) == nil)
        #expect(table.index(of: key(7, .freeze)) == nil)
        #expect(table.keys[count + 1] == key(7, channel: .alipay))
    }
}
