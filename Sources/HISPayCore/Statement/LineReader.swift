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

    /// Calls `body` with every line's bytes, without its line ending; the bytes are valid only during
    /// the call. A file is read 1 MiB at a time into one buffer and no line is copied (a `Data` per
    /// line was a tenth of reconciling a million-row day). Throws ``StatementInputError`` when the
    /// file cannot be opened or read, and whatever `body` throws.
    public func forEachLine(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        switch source {
        case .data(let data):
            try data.withUnsafeBytes { bytes in
                let used = try Self.lines(in: bytes, body)
                if used < bytes.count { try body(Self.droppingCR(UnsafeRawBufferPointer(rebasing: bytes[used...]))) }
            }
        case .file(let url):
            let descriptor = open(url.path, O_RDONLY)
            guard descriptor >= 0 else { throw StatementInputError(path: url.path) }
            defer { close(descriptor) }
            var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
            defer { buffer.deallocate() }
            var filled = 0
            while true {
                if filled == buffer.count {
                    // A line longer than the buffer: double it.
                    let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 16)
                    larger.copyMemory(from: UnsafeRawBufferPointer(buffer))
                    buffer.deallocate()
                    buffer = larger
                }
                let count = read(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
                if count < 0, errno == EINTR { continue }
                guard count >= 0 else { throw StatementInputError(path: url.path) }
                if count == 0 { break }
                filled += count
                let used = try Self.lines(in: UnsafeRawBufferPointer(rebasing: buffer[..<filled]), body)
                if used > 0 {
                    memmove(buffer.baseAddress!, buffer.baseAddress! + used, filled - used)
                    filled -= used
                }
            }
            if filled > 0 { try body(Self.droppingCR(UnsafeRawBufferPointer(rebasing: buffer[..<filled]))) }
        }
    }

    /// Calls `body` with each complete line of `bytes`; returns how many bytes those lines took.
    private static func lines(in bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        var start = 0
        while start < bytes.count, let hit = memchr(base + start, 0x0A, bytes.count - start) {
            let end = base.distance(to: UnsafeRawPointer(hit))
            try body(droppingCR(UnsafeRawBufferPointer(rebasing: bytes[start..<end])))
            start = end + 1
        }
        return start
    }

    private static func droppingCR(_ line: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        line.last == 0x0D ? UnsafeRawBufferPointer(rebasing: line.dropLast()) : line
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
