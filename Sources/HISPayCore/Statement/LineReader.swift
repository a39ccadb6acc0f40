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
        switch source {
        case .file(let url): Iterator(handle: try? FileHandle(forReadingFrom: url), pending: Data())
        case .data(let data): Iterator(handle: nil, pending: data)
        }
    }

    /// Yields each line's bytes without its line ending.
    public struct Iterator: IteratorProtocol {
        let handle: FileHandle?
        var pending: Data
        var finished = false

        public mutating func next() -> Data? {
            while true {
                // memchr: Data's own element-by-element search was a sixth of statement parsing time.
                let offset = pending.withUnsafeBytes { raw -> Int? in
                    guard let base = raw.baseAddress, let hit = memchr(base, 0x0A, raw.count) else { return nil }
                    return base.distance(to: UnsafeRawPointer(hit))
                }
                if let offset {
                    let newline = pending.startIndex + offset
                    var line = pending[pending.startIndex..<newline]
                    if line.last == 0x0D { line = line.dropLast() }
                    pending = pending[(newline + 1)...]
                    return Data(line)
                }
                if !finished, let handle, let chunk = try? handle.read(upToCount: 65_536), !chunk.isEmpty {
                    pending = Data(pending) + chunk
                    continue
                }
                finished = true
                guard !pending.isEmpty else { return nil }
                var line = pending
                if line.last == 0x0D { line = line.dropLast() }
                pending = Data()
                return Data(line)
            }
        }
    }
}
