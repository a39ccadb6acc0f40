import CHISPayZlib
import Foundation

/// gzip (RFC 1952) on the system zlib: WeChat Pay serves bills as gzip when asked (`tar_type=GZIP`).
public enum Gzip {
    /// A decompression failure: not gzip, corrupt, or truncated.
    public struct Error: Swift.Error, Hashable, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// The largest output accepted, so a hostile "zip bomb" cannot exhaust memory (1 GiB default).
    public static let defaultLimit = 1 << 30

    /// Whether `data` starts with the gzip magic bytes.
    public static func isGzip(_ data: Data) -> Bool { data.starts(with: [0x1f, 0x8b]) }

    /// Decompresses a gzip stream (concatenated members included).
    public static func decompress(_ data: Data, limit: Int = defaultLimit) throws(Gzip.Error) -> Data {
        try ZStream.inflate(data, windowBits: 15 + 16, limit: limit, format: "gzip")
    }

    /// Compresses `data` as one gzip member (for tests and the simulator).
    public static func compress(_ data: Data) throws(Gzip.Error) -> Data {
        try ZStream.deflate(data, windowBits: 15 + 16)
    }
}
