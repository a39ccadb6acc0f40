import HISPayCore
import Testing

@Suite struct AmountTests {
    @Test(arguments: [
        ("0.10", 10), ("12", 1200), ("12.3", 1230), ("12.30", 1230), ("0.01", 1), ("1.000", 100),
        ("92233720368547758.07", Int64.max),
    ] as [(String, Int64)])
    func parsesYuanTextExactly(text: String, fen: Int64) throws {
        #expect(try Amount(yuan: text).fen == fen)
    }

    @Test(arguments: [
        ("", AmountError.Code.empty), ("abc", .notANumber), ("1.2.3", .notANumber), ("+1", .notANumber),
        (" 1", .notANumber), ("1e3", .notANumber), ("1,000.00", .notANumber), (".5", .notANumber),
        ("5.", .notANumber), ("１２", .notANumber), ("-3.5", .negative), ("1.005", .tooPrecise),
        ("0.001", .tooPrecise), ("92233720368547758.08", .overflow), ("99999999999999999999", .overflow),
    ] as [(String, AmountError.Code)])
    func rejectsBadYuanTextWithTheRightCode(text: String, code: AmountError.Code) {
        #expect(throws: AmountError(code, text)) { try Amount(yuan: text) }
    }

    /// The in-place byte reader gives the `String` initializer's answer, value or error, for every
    /// shape: the ones it reads itself and the ones it hands over.
    @Test(arguments: [
        "0.10", "12", "12.3", "12.30", "0.01", "1.000", "0.00000", "746.75", "-3.50", "-0.00", "-", "", "abc", "1.2.3", "+1", " 1",
        "1e3", "1,000.00", ".5", "5.", "１２", "1.005", "0.001", "123456789012345.67", "1234567890123456.78", "92233720368547758.07",
        "92233720368547758.08", "99999999999999999999", "12.3x", "1.0a", "--1",
    ])
    func bytesParseLikeText(text: String) {
        for negative in [false, true] {
            let viaText = Result { () throws(AmountError) in try Amount(yuan: text, allowNegative: negative) }
            let viaBytes = Array(text.utf8).withUnsafeBytes { raw in Result { () throws(AmountError) in try Amount(yuan: raw, allowNegative: negative) } }
            #expect(viaBytes == viaText, "\(text), negatives \(negative)")
        }
    }

    @Test func negativesOnlyWhereAllowed() throws {
        #expect(try Amount(yuan: "-3.5", allowNegative: true).fen == -350)
        #expect(try Amount(fenText: "-350", allowNegative: true).fen == -350)
        #expect(throws: AmountError(.negative, "")) { try Amount(fenText: "-1") }
        #expect(throws: AmountError(.notANumber, "")) { try Amount(yuan: "-", allowNegative: true) }
    }

    @Test func fenTextAndFormatting() throws {
        #expect(try Amount(fenText: "1230").yuanString == "12.30")
        #expect(Amount(fen: 1).yuanString == "0.01")
        #expect(Amount(fen: -350).yuanString == "-3.50")
        #expect(Amount(fen: Int64.min).yuanString == "-92233720368547758.08")
        #expect(Amount(fen: 1230).fenString == "1230")
        #expect(Amount(fen: 1230).description == "¥12.30")
        #expect(throws: AmountError(.notANumber, "")) { try Amount(fenText: "12.30") }
        #expect(throws: AmountError(.overflow, "")) { try Amount(fenText: "9223372036854775808") }
    }

    @Test func arithmeticReportsOverflowInsteadOfTrapping() throws {
        #expect(try Amount(fen: 1230).adding(Amount(fen: 70)).fen == 1300)
        #expect(try Amount.sum([Amount(fen: 1), Amount(fen: 2), Amount(fen: 3)]).fen == 6)
        #expect(throws: AmountError(.overflow, "")) { try Amount(fen: .max).adding(Amount(fen: 1)) }
        #expect(throws: AmountError(.overflow, "")) { try Amount(fen: .min).subtracting(Amount(fen: 1)) }
    }

    @Test func errorsDescribeTheInput() {
        #expect(AmountError(.tooPrecise, "1.005").description.contains("1.005"))
    }
}
