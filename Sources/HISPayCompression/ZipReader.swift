import CHISPayZlib
import Foundation
import HISPayCore

/// Reads zip archives that arrive as bytes (Alipay bill downloads, UnionPay file transfers, files
/// people hand in), checking every offset and size against the bytes actually there.
///
/// Reading is ours because fuzzing the statement parsers showed ZIPFoundation's reader cannot take
/// hostile archives: its in-memory reader traps on an entry pointing past the end, a stored entry that
/// declares 2⁶³ bytes makes it loop on empty reads for ever, and on Linux a deflated entry cut short
/// at the end of the file does the same. Here an entry's data is a bounds-checked slice of the
/// archive, inflated by zlib up to the size it declares (and at most `limit`), and its CRC-32 checked.
/// Writing archives (`ZipWriter`: the NHSA settlement list, the simulator) still uses ZIPFoundation.
///
/// Supported: stored and deflated entries of a single-disk archive below 4 GiB; zip64, encryption and
/// other methods are refused by name.
public struct ZipReader: Sendable {
    /// One file or directory in the archive.
    public struct Entry: Hashable, Sendable {
        /// The name as stored: UTF-8 when the archive says so or the bytes are valid UTF-8, else GB18030.
        public let path: String
        package let compressedSize: Int
        public let uncompressedSize: Int
        public var isDirectory: Bool { path.hasSuffix("/") }
        let method: UInt16
        let flags: UInt16
        let crc32: UInt32
        let localHeaderOffset: Int
    }

    /// Why an archive or one of its entries cannot be read.
    public struct Error: Swift.Error, Hashable, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// The most bytes one entry may inflate to (1 GiB, as for gzip bills).
    public static let defaultLimit = 1 << 30

    /// Every entry, in central-directory order.
    public let entries: [Entry]
    private let bytes: [UInt8]

    /// Whether `data` starts like a zip archive (a local file header, `PK\u{3}\u{4}`): how a
    /// file that may be zipped or plain is told apart.
    public static func isArchive(_ data: Data) -> Bool { data.starts(with: [0x50, 0x4B, 0x03, 0x04]) }

    /// Reads the central directory of `data`.
    public init(_ data: Data) throws(Error) {
        let bytes = [UInt8](data)
        self.bytes = bytes
        let end = try Self.endOfCentralDirectory(bytes)
        let count = Int(Self.u16(bytes, end + 10))
        let size = Int(Self.u32(bytes, end + 12))
        let offset = Int(Self.u32(bytes, end + 16))
        guard Self.u16(bytes, end + 4) == 0, Self.u16(bytes, end + 6) == 0 else { throw Error(description: "multi-disk zip archives are not supported") }
        guard offset != 0xFFFF_FFFF, size != 0xFFFF_FFFF, count != 0xFFFF else { throw Error(description: "zip64 archives are not supported") }
        guard offset + size <= end else { throw Error(description: "the central directory lies outside the archive") }
        var entries: [Entry] = []
        var position = offset
        for index in 0..<count {
            guard position + 46 <= offset + size, Self.u32(bytes, position) == 0x0201_4B50 else {
                throw Error(description: "central directory record \(index + 1) of \(count) is missing or corrupt")
            }
            let nameLength = Int(Self.u16(bytes, position + 28))
            let trailing = nameLength + Int(Self.u16(bytes, position + 30)) + Int(Self.u16(bytes, position + 32))
            guard position + 46 + trailing <= offset + size else {
                throw Error(description: "central directory record \(index + 1) runs past the directory")
            }
            let flags = Self.u16(bytes, position + 8)
            let name = bytes[(position + 46)..<(position + 46 + nameLength)]
            entries.append(Entry(
                path: Self.decodeName(name, utf8: flags & 0x0800 != 0),
                compressedSize: Int(Self.u32(bytes, position + 20)), uncompressedSize: Int(Self.u32(bytes, position + 24)),
                method: Self.u16(bytes, position + 10), flags: flags, crc32: Self.u32(bytes, position + 16),
                localHeaderOffset: Int(Self.u32(bytes, position + 42))))
            position += 46 + trailing
        }
        self.entries = entries
    }

    /// The first entry whose path satisfies `predicate`.
    public func first(where predicate: (Entry) -> Bool) -> Entry? { entries.first(where: predicate) }

    /// The entry's contents: refused when encrypted, of a method other than stored or deflate, lying
    /// outside the archive, larger than `limit`, not inflating to exactly the size it declares, or
    /// failing its CRC-32.
    public func contents(of entry: Entry, limit: Int = defaultLimit) throws(Error) -> Data {
        var reader = try open(entry, limit: limit)
        var output = Data()
        while let chunk = try reader.next() { output.append(chunk) }
        return output
    }

    /// A reader that inflates the entry a chunk at a time (see ``EntryReader``), with the same checks
    /// as ``contents(of:limit:)``; the size and CRC-32 are checked when the last chunk has been read.
    public func open(_ entry: Entry, limit: Int = defaultLimit) throws(Error) -> EntryReader {
        let fail = EntryReader.failure(entry)
        guard entry.flags & 0x0001 == 0 else { throw fail("encrypted entries are not supported") }
        guard entry.uncompressedSize <= limit else {
            throw fail("declares \(entry.uncompressedSize) bytes, more than the \(limit) allowed")
        }
        let header = entry.localHeaderOffset
        guard header + 30 <= bytes.count, Self.u32(bytes, header) == 0x0403_4B50 else { throw fail("local header is missing or corrupt") }
        let start = header + 30 + Int(Self.u16(bytes, header + 26)) + Int(Self.u16(bytes, header + 28))
        guard start + entry.compressedSize <= bytes.count else {
            throw fail("its \(entry.compressedSize) bytes of data run past the end of the archive")
        }
        let stored = bytes[start..<(start + entry.compressedSize)]
        switch entry.method {
        case 0:
            guard entry.compressedSize == entry.uncompressedSize else { throw fail("stored entry's sizes disagree") }
            return EntryReader(entry: entry, source: .stored(stored))
        case 8:
            do { return EntryReader(entry: entry, source: .deflated(try Inflater(stored, windowBits: -15, format: "deflate"))) } catch {
                throw fail(error.description)
            }
        default:
            throw fail("compression method \(entry.method) is not supported")
        }
    }

    /// One entry's contents, a chunk (at most 64 KiB) at a time: ``next()`` returns nil at the end,
    /// after checking that the entry inflated to exactly the size it declares and its CRC-32 matches.
    public struct EntryReader {
        enum Source {
            case stored(ArraySlice<UInt8>)
            case deflated(Inflater)
        }

        private let entry: Entry
        private var source: Source
        private var produced = 0
        private var checksum: uLong = 0
        private var done = false

        init(entry: Entry, source: Source) {
            self.entry = entry
            self.source = source
        }

        static func failure(_ entry: Entry) -> (String) -> Error { { Error(description: "entry \(entry.path): \($0)") } }

        /// The next chunk, or nil when the entry is complete and verified.
        public mutating func next() throws(Error) -> Data? {
            guard !done else { return nil }
            let fail = Self.failure(entry)
            let chunk: Data?
            switch source {
            case .stored(let rest):
                chunk = rest.isEmpty ? nil : Data(rest.prefix(65_536))
                source = .stored(rest.dropFirst(65_536))
            case .deflated(let inflater):
                do { chunk = try inflater.next() } catch { throw fail(error.description) }
            }
            guard let chunk else {
                done = true
                guard produced == entry.uncompressedSize else {
                    throw fail("inflates to \(produced) bytes, not the \(entry.uncompressedSize) it declares")
                }
                guard UInt32(checksum) == entry.crc32 else { throw fail("CRC-32 does not match: the data is corrupt") }
                return nil
            }
            produced += chunk.count
            guard produced <= entry.uncompressedSize else {
                throw fail("inflates to more than the \(entry.uncompressedSize) bytes it declares")
            }
            checksum = chunk.withUnsafeBytes { raw in
                CHISPayZlib.crc32(checksum, raw.baseAddress?.assumingMemoryBound(to: Bytef.self), uInt(raw.count))
            }
            return chunk
        }
    }

    /// The end-of-central-directory record's offset: searched back from the end over the longest
    /// comment allowed.
    private static func endOfCentralDirectory(_ bytes: [UInt8]) throws(Error) -> Int {
        guard bytes.count >= 22 else { throw Error(description: "not a zip archive (\(bytes.count) bytes)") }
        var position = bytes.count - 22
        let lowest = max(0, position - 0xFFFF)
        while position >= lowest {
            if u32(bytes, position) == 0x0605_4B50 { return position }
            position -= 1
        }
        throw Error(description: "not a zip archive (no end-of-central-directory record)")
    }

    private static func decodeName(_ name: ArraySlice<UInt8>, utf8: Bool) -> String {
        if let text = String(validating: name, as: UTF8.self) { return text }
        if !utf8, let text = try? GB18030.decode(name) { return text }
        return String(decoding: name, as: UTF8.self)
    }

    private static func u16(_ bytes: [UInt8], _ at: Int) -> UInt16 { UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8 }

    private static func u32(_ bytes: [UInt8], _ at: Int) -> UInt32 { UInt32(u16(bytes, at)) | UInt32(u16(bytes, at + 2)) << 16 }
}
