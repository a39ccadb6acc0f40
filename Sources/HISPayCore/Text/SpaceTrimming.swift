extension StringProtocol {
    /// The text without leading and trailing spaces and tabs — the characters Foundation's
    /// `CharacterSet.whitespaces` holds (tab and Unicode's space separators, e.g. U+3000), without
    /// bridging to `NSString`, which made trimming a third of statement parsing time.
    package var trimmingSpaces: String {
        guard let first = firstIndex(where: { !$0.isSpaceOrTab }), let last = lastIndex(where: { !$0.isSpaceOrTab }) else { return "" }
        return String(self[first...last])
    }

    /// Whether the text is empty or only spaces and tabs (as ``trimmingSpaces`` would leave nothing).
    package var isBlank: Bool { allSatisfy(\.isSpaceOrTab) }
}

extension Character {
    /// Tab, or a Unicode space separator (U+0020, U+00A0, U+3000, …).
    var isSpaceOrTab: Bool {
        if self == " " || self == "\t" { return true }
        guard unicodeScalars.count == 1, let scalar = unicodeScalars.first, !scalar.isASCII else { return false }
        return scalar.properties.generalCategory == .spaceSeparator
    }
}
