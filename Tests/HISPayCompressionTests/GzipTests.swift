import Foundation
import HISPayCompression
import Testing

@Suite struct GzipTests {
    let text = Data(String(repeating: "`2026-11-21 08:01:02,`REG20261121001,`12.30\r\n", count: 2000).utf8)

    @Test func roundTripsAndDetectsTheMagic() throws {
        let packed = try Gzip.compress(text)
        #expect(Gzip.isGzip(packed))
        #expect(!Gzip.isGzip(text))
        #expect(packed.count < text.count / 10)
        #expect(try Gzip.decompress(packed) == text)
    }

    @Test func knownGzipStreamFromTheCommandLineToolDecompresses() throws {
        // `printf 'hello\n' | gzip -n | base64`
        let packed = try #require(Data(base64Encoded: "H4sIAAAAAAAAA8tIzcnJ5wIAIDA6NgYAAAA="))
        #expect(try Gzip.decompress(packed) == Data("hello\n".utf8))
    }

    @Test func concatenatedMembersAreJoined() throws {
        let joined = try Gzip.compress(Data("a".utf8)) + Gzip.compress(Data("b".utf8))
        #expect(try Gzip.decompress(joined) == Data("ab".utf8))
    }

    @Test func truncatedCorruptAndOversizedInputAreErrors() throws {
        let packed = try Gzip.compress(text)
        #expect(throws: Gzip.Error.self) { try Gzip.decompress(packed.prefix(packed.count / 2)) }
        var corrupt = packed
        corrupt[20] ^= 0xFF
        #expect(throws: Gzip.Error.self) { try Gzip.decompress(corrupt) }
        #expect(throws: Gzip.Error.self) { try Gzip.decompress(Data("not gzip".utf8)) }
        #expect(throws: Gzip.Error.self) { try Gzip.decompress(packed, limit: 1000) }
    }
}

@Suite struct ZlibTests {
    @Test func roundTripsAndRefusesGzipOrTruncatedInput() throws {
        let text = Data(String(repeating: "INN26112188ZM_777290058167151 ", count: 500).utf8)
        let packed = try Zlib.compress(text)
        #expect(packed.first == 0x78)
        #expect(try Zlib.decompress(packed) == text)
        #expect(throws: Gzip.Error.self) { try Zlib.decompress(packed.prefix(packed.count - 8)) }
        #expect(throws: Gzip.Error.self) { try Zlib.decompress(try Gzip.compress(text)) }
    }
}
