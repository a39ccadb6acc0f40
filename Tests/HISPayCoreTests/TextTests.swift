import Foundation
import HISPayCore
import Testing

@Suite struct TextTests {
    /// Trims exactly what Foundation's `.whitespaces` trims (tab and Unicode space separators), keeping
    /// line ends and everything else.
    @Test(arguments: [
        "  12.30\t", "\u{3000}挂号费\u{3000}", "\u{00A0}REG-001 ", "", "   ", "a b", "\r\n x \n", "`1900000001", "挂号费", "REG\t", "\t挂号",
        "e\u{301} ", " \u{2003}x\u{2003}\u{3000}", "\u{3000}", "a\u{3000}b",
    ])
    func trimmingSpacesMatchesFoundation(text: String) {
        #expect(text.trimmingSpaces == text.trimmingCharacters(in: .whitespaces))
        #expect(text.isBlank == text.trimmingCharacters(in: .whitespaces).isEmpty)
    }

    @Test func linesAreSplitOnLFAndCRLFWithOrWithoutAFinalEnding() {
        let lines = Array(LineReader(data: Data("a,b\r\n\r\nc\nlast".utf8))).map { String(decoding: $0, as: UTF8.self) }
        #expect(lines == ["a,b", "", "c", "last"])
        #expect(Array(LineReader(data: Data())).isEmpty)
    }

    /// The chunked reader sees the same lines as the iterator — endings, a missing final ending, empty
    /// lines — for text in memory and in a file, including a line longer than its 1 MiB buffer.
    @Test func eachLineIsReadInPlaceLikeTheIterator() throws {
        let long = String(repeating: "长", count: 700_000)  // 2.1 MB in UTF-8
        let text = "a,b\r\n\r\nc\n\(long)\r\n\(long)x\nlast"
        let expected = Array(LineReader(data: Data(text.utf8))).map { String(decoding: $0, as: UTF8.self) }
        #expect(expected == ["a,b", "", "c", long, long + "x", "last"])
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("hispay-lines-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: file) }
        for ending in ["", "\n", "\r\n"] {
            try Data((text + ending).utf8).write(to: file)
            for reader in [LineReader(data: Data((text + ending).utf8)), LineReader(fileURL: file)] {
                var lines: [String] = []
                try reader.forEachLine { lines.append(String(decoding: $0, as: UTF8.self)) }
                #expect(lines == expected)
            }
        }
        var none = 0
        try LineReader(data: Data()).forEachLine { _ in none += 1 }
        #expect(none == 0)
        #expect(throws: StatementInputError.self) { try LineReader(fileURL: file.appendingPathExtension("missing")).forEachLine { _ in } }
    }

    /// One decoder serves a whole file: ASCII lines, GBK lines, and a line after an invalid one (the
    /// descriptor is reset, so a truncated character does not leak into the next line).
    @Test func oneGBKDecoderReadsLineAfterLine() throws {
        var decoder = GB18030.Decoder()
        func decode(_ bytes: [UInt8]) throws -> String { try bytes.withUnsafeBytes { try decoder.decode($0) } }
        #expect(try decode(Array("REG-001,12.30".utf8)) == "REG-001,12.30")
        #expect(try decode(try GB18030.encode("门诊缴费,交易")) == "门诊缴费,交易")
        #expect(throws: GB18030.Error.self) { try decode([0xC3]) }  // a lead byte without its trail byte
        #expect(try decode(try GB18030.encode("退款")) == "退款")
        #expect(try GB18030.decode(try GB18030.encode("挂号费 12.30")) == "挂号费 12.30")
    }
}
