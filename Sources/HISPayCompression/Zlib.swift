import Foundation

/// zlib-wrapped DEFLATE (RFC 1950), as UnionPay's file transfer wraps its reconciliation zip.
package enum Zlib {
    /// Decompresses one zlib stream; errors (``Gzip/Error``) name truncation or corruption.
    package static func decompress(_ data: Data, limit: Int = Gzip.defaultLimit) throws(Gzip.Error) -> Data {
        try ZStream.inflate(data, windowBits: 15, limit: limit, format: "zlib")
    }

    /// Compresses as one zlib stream (for tests and the simulator).
    package static func compress(_ data: Data) throws(Gzip.Error) -> Data {
        try ZStream.deflate(data, windowBits: 15)
    }
}
