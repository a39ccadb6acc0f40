import Foundation
import HISPayCore
import Testing

@Suite struct TextTests {
    /// Trims exactly what Foundation's `.whitespaces` trims (tab and Unicode space separators), keeping
    /// line ends and everything else.
    @Test(arguments: ["  12.30\t", "\u{3000}挂号费\u{3000}", "\u{00A0}REG-001 ", "", "   ", "a b", "\r\n x \n", "`1900000001"])
    func trimmingSpacesMatchesFoundation(text: String) {
        #expect(text.trimmingSpaces == text.trimmingCharacters(in: .whitespaces))
        #expect(text.isBlank == text.trimmingCharacters(in: .whitespaces).isEmpty)
    }

    @Test func linesAreSplitOnLFAndCRLFWithOrWithoutAFinalEnding() {
        let lines = Array(LineReader(data: Data("a,b\r\n\r\nc\nlast".utf8))).map { String(decoding: $0, as: UTF8.self) }
        #expect(lines == ["a,b", "", "c", "last"])
        #expect(Array(LineReader(data: Data())).isEmpty)
    }
}
