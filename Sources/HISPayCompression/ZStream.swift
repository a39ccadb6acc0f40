import CHISPayZlib
import Foundation

/// The zlib stream loop shared by ``Gzip`` and ``Zlib``.
enum ZStream {
    static func inflate(_ data: some Collection<UInt8>, windowBits: Int32, limit: Int, format: String) throws(Gzip.Error) -> Data {
        var stream = z_stream()
        guard inflateInit2_(&stream, windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Gzip.Error(description: "zlib could not start")
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
                    return CHISPayZlib.inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.avail_out)
                output.append(contentsOf: chunk[0..<produced])
                guard output.count <= limit else { throw Gzip.Error(description: "\(format) output exceeds \(limit) bytes") }
                if status == Z_STREAM_END, stream.avail_in > 0, windowBits > 15 {
                    // Another gzip member follows.
                    guard inflateReset(&stream) == Z_OK else { throw Gzip.Error(description: "zlib could not restart") }
                    status = Z_OK
                }
            } while status == Z_OK && (stream.avail_in > 0 || stream.avail_out == 0)
        }
        guard status == Z_STREAM_END else {
            throw Gzip.Error(description: status == Z_OK || status == Z_BUF_ERROR ? "\(format) data is truncated" : "\(format) data is corrupt (zlib \(status))")
        }
        return output
    }

    static func deflate(_ data: Data, windowBits: Int32) throws(Gzip.Error) -> Data {
        var stream = z_stream()
        guard deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Gzip.Error(description: "zlib could not start")
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
                return CHISPayZlib.deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw Gzip.Error(description: "compression failed (zlib \(status))") }
        return Data(output.prefix(outputCount - Int(stream.avail_out)))
    }
}
