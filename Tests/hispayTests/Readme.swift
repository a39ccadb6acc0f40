import Foundation

/// The README's fenced code blocks, for the tests that run or compile what it shows.
enum Readme {
    /// What the README is missing.
    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    /// The body of the first ```` ```language ```` block after `anchor` (from the README's start when
    /// empty) that begins with `prefix` — the body includes `prefix`.
    static func block(_ language: String, after anchor: String = "", beginningWith prefix: String = "") throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let from = anchor.isEmpty ? readme.startIndex : (readme.range(of: anchor)?.upperBound ?? readme.endIndex)
        guard let start = readme.range(of: "```\(language)\n" + prefix, range: from..<readme.endIndex),
            let end = readme.range(of: "\n```", range: start.upperBound..<readme.endIndex)
        else { throw Missing(description: "README.md has no \(language) block after \"\(anchor)\" beginning with \"\(prefix)\"") }
        return String(readme[readme.index(start.lowerBound, offsetBy: "```\(language)\n".count)..<end.lowerBound])
    }
}
