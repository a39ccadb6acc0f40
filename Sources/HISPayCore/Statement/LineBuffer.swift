import Foundation

/// Splits bytes that arrive in chunks into lines (LF or CRLF endings): append each chunk, take the
/// complete lines, and at the end take the last line, which may lack an ending.
package struct LineBuffer: Sendable {
    private var pending = Data()

    package init() {}

    /// Adds the next chunk of bytes.
    package mutating func append(_ chunk: Data) {
        pending = pending.isEmpty ? chunk : Data(pending) + chunk
    }

    /// The next complete line without its ending, or nil until a line ending arrives.
    package mutating func nextLine() -> Data? {
        // memchr: Data's own element-by-element search was a sixth of statement parsing time.
        let offset = pending.withUnsafeBytes { raw -> Int? in
            guard let base = raw.baseAddress, let hit = memchr(base, 0x0A, raw.count) else { return nil }
            return base.distance(to: UnsafeRawPointer(hit))
        }
        guard let offset else { return nil }
        let newline = pending.startIndex + offset
        var line = pending[pending.startIndex..<newline]
        if line.last == 0x0D { line = line.dropLast() }
        pending = pending[(newline + 1)...]
        return Data(line)
    }

    /// What is left after the last line ending (the last line, unended), or nil if nothing is.
    package mutating func remainder() -> Data? {
        guard !pending.isEmpty else { return nil }
        var line = pending
        if line.last == 0x0D { line = line.dropLast() }
        pending = Data()
        return Data(line)
    }
}
