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
        var stream = z_stream()
        // windowBits 15 + 16: expect a gzip header.
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Error(description: "zlib could not start")
        }
        defer { inflateEnd(&stream) }
        var output = Data()
        var chunk = [UInt8](repeating: 0, count: 65_536)
        var input = [UInt8](data)
        let total = input.count
        var status: Int32 = Z_OK
        try input.withUnsafeMutableBufferPointer { (buffer: inout UnsafeMutableBufferPointer<UInt8>) throws(Gzip.Error) in
            stream.next_in = buffer.baseAddress
            stream.avail_in = uInt(total)
            repeat {
                status = chunk.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(out.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.avail_out)
                output.append(contentsOf: chunk[0..<produced])
                guard output.count <= limit else { throw Error(description: "gzip output exceeds \(limit) bytes") }
                if status == Z_STREAM_END, stream.avail_in > 0 {
                    // Another gzip member follows.
                    guard inflateReset(&stream) == Z_OK else { throw Error(description: "zlib could not restart") }
                    status = Z_OK
                }
            } while status == Z_OK && (stream.avail_in > 0 || stream.avail_out == 0)
        }
        guard status == Z_STREAM_END else {
            throw Error(description: status == Z_OK || status == Z_BUF_ERROR ? "gzip data is truncated" : "gzip data is corrupt (zlib \(status))")
        }
        return output
    }

    /// Compresses `data` as one gzip member (for tests and the simulator).
    public static func compress(_ data: Data) throws(Gzip.Error) -> Data {
        var stream = z_stream()
        guard deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Error(description: "zlib could not start")
        }
        defer { deflateEnd(&stream) }
        var input = [UInt8](data)
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 32)
        let outputCount = output.count
        let status = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(outputCount)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw Error(description: "gzip compression failed (zlib \(status))") }
        return Data(output.prefix(outputCount - Int(stream.avail_out)))
    }
}
