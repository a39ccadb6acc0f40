import CHISPayZlib
import Foundation

/// Whole-buffer inflate and deflate shared by ``Gzip`` and ``Zlib``.
enum ZStream {
    static func inflate(_ data: some Collection<UInt8>, windowBits: Int32, limit: Int, format: String) throws(Gzip.Error) -> Data {
        let inflater = try Inflater(data, windowBits: windowBits, format: format)
        var output = Data()
        while let chunk = try inflater.next() {
            output.append(chunk)
            guard output.count <= limit else { throw Gzip.Error(description: "\(format) output exceeds \(limit) bytes") }
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
