import Foundation
import HISPayCompression
import HISPayCore
import Testing

@Suite struct ZipReaderTests {
    /// Written by CPython's `zipfile` (an independent implementation): `a.txt` stored ("hello\n"),
    /// `dir/`, and `b.csv` deflated ("REG001,12.30\n" × 20). Central directory at 128, records at
    /// 128, 179 and 229, end record at 280.
    static let archive = Data(base64Encoded: """
        UEsDBBQAAAAAAAAAfF0gMDo2BgAAAAYAAAAFAAAAYS50eHRoZWxsbwpQSwMEFAAAAAAAAAB8XQAAAAAAAAAAAAAAAAQAAABkaXIv\
        UEsDBBQAAAAIAAAAfF1/T2DhEgAAAAQBAAAFAAAAYi5jc3YLcnU3MDDUMTTSMzbgChqZHABQSwECFAMUAAAAAAAAAHxdIDA6NgYA\
        AAAGAAAABQAAAAAAAAAAAAAAgAEAAAAAYS50eHRQSwECFAMUAAAAAAAAAHxdAAAAAAAAAAAAAAAABAAAAAAAAAAAAAAAgAEpAAAA\
        ZGlyL1BLAQIUAxQAAAAIAAAAfF1/T2DhEgAAAAQBAAAFAAAAAAAAAAAAAACAAUsAAABiLmNzdlBLBQYAAAAAAwADAJgAAACAAAAA\
        AAA=
        """)!
    static let stored = 128, deflated = 229

    /// The archive with `value` written little-endian, `width` bytes, at each offset.
    func patched(_ offsets: Int..., value: UInt32, width: Int = 4) -> Data {
        var data = Self.archive
        for offset in offsets {
            for index in 0..<width { data[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
        }
        return data
    }

    func error(_ data: Data, entry index: Int = 0, limit: Int = ZipReader.defaultLimit) -> String {
        do {
            let reader = try ZipReader(data)
            _ = try reader.contents(of: reader.entries[index], limit: limit)
            return "read without error"
        } catch {
            return error.description
        }
    }

    @Test func readsStoredDeflatedAndDirectoryEntries() throws {
        let reader = try ZipReader(Self.archive)
        #expect(reader.entries.map(\.path) == ["a.txt", "dir/", "b.csv"])
        #expect(reader.entries.map(\.isDirectory) == [false, true, false])
        #expect(try reader.contents(of: reader.entries[0]) == Data("hello\n".utf8))
        #expect(try reader.contents(of: reader.entries[1]).isEmpty)
        let csv = try reader.contents(of: #require(reader.first { $0.path == "b.csv" }))
        #expect(csv == Data(String(repeating: "REG001,12.30\n", count: 20).utf8))
        #expect(reader.entries[2].compressedSize == 18 && reader.entries[2].uncompressedSize == 260)
    }

    @Test func namesNotMarkedUTF8AreReadAsGB18030() throws {
        var data = Self.archive
        data.replaceSubrange((Self.stored + 46)..<(Self.stored + 51), with: try GB18030.encode("账单a"))
        #expect(try ZipReader(data).entries[0].path == "账单a")
    }

    @Test func anEntryDeclaringMoreThanTheArchiveHoldsIsRefusedNotLoopedOn() {
        // The fuzzing finding: ZIPFoundation read empty chunks at the end of the file for ever.
        let data = patched(Self.stored + 20, Self.stored + 24, value: 0x3000_0000)
        #expect(error(data).contains("run past the end of the archive"))
        #expect(error(data, limit: 1000).contains("more than the 1000 allowed"))
    }

    @Test func aDeflatedEntryCutShortOrLyingAboutItsSizeIsRefused() {
        #expect(error(patched(Self.deflated + 20, value: 5), entry: 2).contains("deflate data is truncated"))
        #expect(error(patched(Self.deflated + 24, value: 300), entry: 2).contains("inflates to 260 bytes, not the 300"))
        #expect(error(patched(Self.deflated + 24, value: 100), entry: 2).contains("inflates to more than the 100 bytes it declares"))
    }

    @Test func corruptDataAndUnsupportedEntriesAreRefusedByName() {
        var flipped = Self.archive
        flipped[35] ^= 0x01
        #expect(error(flipped).contains("CRC-32 does not match"))
        #expect(error(patched(Self.stored + 10, value: 12, width: 2)).contains("compression method 12 is not supported"))
        #expect(error(patched(Self.stored + 8, value: 1, width: 2)).contains("encrypted entries are not supported"))
        #expect(error(patched(Self.stored + 42, value: 1000)).contains("local header is missing or corrupt"))
        #expect(error(patched(Self.stored + 20, value: 7)).contains("stored entry's sizes disagree"))
    }

    @Test func whatIsNotAZipArchiveIsRefused() {
        #expect(error(Data("PK not really".utf8)).contains("not a zip archive"))
        #expect(error(Self.archive.prefix(200)).contains("no end-of-central-directory record"))
        #expect(error(patched(280 + 16, value: 5000)).contains("central directory lies outside the archive"))
        #expect(error(patched(280 + 10, value: 4, width: 2)).contains("record 4 of 4 is missing or corrupt"))
        #expect(error(patched(280 + 16, value: 0xFFFF_FFFF)).contains("zip64 archives are not supported"))
    }
}

@Suite struct ZipEntryReaderTests {
    /// A 3 MiB entry (deflated by ZipWriter) comes out in chunks of at most 64 KiB that add up to it.
    @Test func aLargeEntryStreamsInBoundedChunks() throws {
        let line = Data("2026-12-04 10:00:00,REG001,门诊缴费,12.30\n".utf8)
        let body = Data((0..<(3 << 20) / line.count).flatMap { _ in line })
        let archive = try ZipWriter.archive([("big.csv", body)])
        let reader = try ZipReader(archive)
        var entry = try reader.open(reader.entries[0])
        var chunks = 0, total = Data()
        while let chunk = try entry.next() {
            #expect(chunk.count <= 65_536)
            chunks += 1
            total.append(chunk)
        }
        #expect(chunks > 40)
        #expect(total == body)
        #expect(try entry.next() == nil)
    }

    /// The CRC-32 and size are checked when the last chunk has been read: corruption is reported
    /// at the end of the stream, not missed because nobody held the whole entry.
    @Test func aCorruptCRCIsReportedAtTheEndOfTheStream() throws {
        var archive = ZipReaderTests.archive
        archive[ZipReaderTests.deflated + 16] ^= 0xFF  // the CRC in b.csv's central record
        let reader = try ZipReader(archive)
        var entry = try reader.open(reader.entries[2])
        var read = 0
        do {
            while let chunk = try entry.next() { read += chunk.count }
            Issue.record("a wrong CRC must fail")
        } catch {
            #expect(read == 260)
            #expect(error.description.contains("CRC-32 does not match"))
        }
    }
}
