import UnionPay

/// ZM file lines in the published layout, for tests: a payment and its partial refund.
package enum UnionPayZMLines {
    package static let payment = UnionPayZMParser.line([1: "S22", 4: "123456", 5: "1122095930", 6: "6222********1234", 7: "000000001230", 10: "782611221000001234567",
                               12: "REG20261122001", 16: "D000000000007", 17: "C000000001223", 20: "01", 21: "06", 22: "000000", 28: "777290058167151",
                               33: "C000000001223"])
    package static let refund = UnionPayZMParser.line([1: "S30", 4: "123457", 5: "1122110000", 7: "000000000500", 10: "782611221100001234599", 12: "RF20261122001",
                              16: "C000000000003", 17: "D000000000497", 20: "04", 21: "00", 22: "000201", 27: "782611221000001234567",
                              28: "777290058167151", 33: "D000000000497", 41: "REG20261122001"])
}
