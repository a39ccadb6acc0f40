import CHISPayZlib
import Foundation

/// Inflates one deflate, zlib or gzip stream a chunk at a time, so a caller can pass a bill of a
/// gigabyte through a parser without ever holding it inflated.
///
/// A class because zlib keeps a pointer back to its `z_stream`: the stream must not move between
/// calls. The compressed input is copied once into memory the inflater owns, for the same reason.
final class Inflater {
    private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    private let input: UnsafeMutableBufferPointer<UInt8>
    private let windowBits: Int32
    private let format: String
    private var chunk = [UInt8](repeating: 0, count: 65_536)
    private var ended = false

    /// Starts inflating `data`; `windowBits` as zlib takes it (−15 raw deflate, 15 zlib, 31 gzip).
    init(_ data: some Collection<UInt8>, windowBits: Int32, format: String) throws(Gzip.Error) {
        input = .allocate(capacity: max(1, data.count))
        _ = input.initialize(from: data)
        self.windowBits = windowBits
        self.format = format
        stream.initialize(to: z_stream())
        guard inflateInit2_(stream, windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            input.deallocate()
            throw Gzip.Error(description: "zlib could not start")
        }
        stream.pointee.next_in = input.baseAddress
        stream.pointee.avail_in = uInt(data.count)
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
        input.deallocate()
    }

    /// The next inflated bytes (up to 64 KiB), or nil once the stream has ended. A stream that stops
    /// before its end is "truncated"; one zlib rejects is "corrupt".
    func next() throws(Gzip.Error) -> Data? {
        while !ended {
            let status = chunk.withUnsafeMutableBufferPointer { out in
                stream.pointee.next_out = out.baseAddress
                stream.pointee.avail_out = uInt(out.count)
                return CHISPayZlib.inflate(stream, Z_NO_FLUSH)
            }
            let produced = chunk.count - Int(stream.pointee.avail_out)
            switch status {
            case Z_STREAM_END:
                if stream.pointee.avail_in > 0, windowBits > 15 {
                    // Another gzip member follows.
                    guard inflateReset(stream) == Z_OK else { throw Gzip.Error(description: "zlib could not restart") }
                } else {
                    ended = true
                }
            case Z_OK:
                break
            case Z_BUF_ERROR:
                // No progress possible: the input ran out before the stream's end.
                throw Gzip.Error(description: "\(format) data is truncated")
            default:
                throw Gzip.Error(description: "\(format) data is corrupt (zlib \(status))")
            }
            if produced > 0 { return Data(chunk[0..<produced]) }
        }
        return nil
    }
}
