import Foundation

/// Reads text lines from a file in fixed-size chunks, so statements of millions of rows stream in
/// bounded memory. Accepts LF and CRLF endings; the last line may lack an ending.
public struct LineReader: Sequence {
    private let source: Source

    private enum Source {
        case file(URL)
        case data(Data)
    }

    /// Lines of the file at `url`, read 64 KiB at a time.
    public init(fileURL url: URL) { source = .file(url) }

    /// Lines of bytes already in memory.
    public init(data: Data) { source = .data(data) }

    public func makeIterator() -> Iterator {
        var lines = LineBuffer()
        switch source {
        case .file(let url): return Iterator(handle: try? FileHandle(forReadingFrom: url), lines: lines)
        case .data(let data):
            lines.append(data)
            return Iterator(handle: nil, lines: lines)
        }
    }

    /// Yields each line's bytes without its line ending.
    public struct Iterator: IteratorProtocol {
        let handle: FileHandle?
        var lines: LineBuffer
        var finished = false

        public mutating func next() -> Data? {
            while true {
                if let line = lines.nextLine() { return line }
                if !finished, let handle, let chunk = try? handle.read(upToCount: 65_536), !chunk.isEmpty {
                    lines.append(chunk)
                    continue
                }
                finished = true
                return lines.remainder()
            }
        }
    }
}
