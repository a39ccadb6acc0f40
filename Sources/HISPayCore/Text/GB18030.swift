import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// GB18030 (a superset of GBK and GB2312) ↔ Unicode, through the C library's iconv: Alipay bills and
/// many hospital ledgers are GBK text.
package enum GB18030 {
    /// Text that is not valid in the source encoding.
    package struct Error: Swift.Error, Hashable, Sendable, CustomStringConvertible {
        package let description: String
    }

    /// Decodes GB18030/GBK bytes; throws on an invalid or truncated multi-byte sequence.
    package static func decode(_ bytes: some Collection<UInt8>) throws(GB18030.Error) -> String {
        var decoder = Decoder()
        return try Array(bytes).withUnsafeBytes(typed: { raw throws(GB18030.Error) in try decoder.decode(raw) })
    }

    /// Encodes text as GB18030 (for tests and the simulator).
    package static func encode(_ text: String) throws(GB18030.Error) -> [UInt8] {
        let converter = try Converter(from: "UTF-8", to: "GB18030")
        return try Array(text.utf8).withUnsafeBytes(typed: { raw throws(GB18030.Error) in try converter.convert(raw) })
    }

    /// Decodes line after line of one file with one iconv descriptor (opening one per line was nine
    /// tenths of an Alipay bill's parsing time); a line of plain ASCII is copied without iconv.
    /// Not for concurrent use: each parse makes its own.
    package struct Decoder {
        private var converter: Converter?

        package init() {}

        package mutating func decode(_ bytes: UnsafeRawBufferPointer) throws(GB18030.Error) -> String {
            if ByteFields.isASCII(bytes) { return String(decoding: bytes, as: UTF8.self) }
            if converter == nil { converter = try Converter(from: "GB18030", to: "UTF-8") }
            return String(decoding: try converter!.convert(bytes), as: UTF8.self)
        }
    }

    /// One iconv descriptor, reset before each conversion.
    private final class Converter {
        private let descriptor: iconv_t
        private let source: String

        init(from source: String, to target: String) throws(GB18030.Error) {
            guard let descriptor = iconv_open(target, source), descriptor != iconv_t(bitPattern: -1) else {
                throw Error(description: "iconv cannot convert \(source) to \(target) on this system")
            }
            self.descriptor = descriptor
            self.source = source
        }

        deinit { iconv_close(descriptor) }

        func convert(_ input: UnsafeRawBufferPointer) throws(GB18030.Error) -> [UInt8] {
            guard let base = input.baseAddress, !input.isEmpty else { return [] }
            iconv(descriptor, nil, nil, nil, nil)  // back to the initial shift state
            var output = [UInt8](repeating: 0, count: input.count * 4 + 16)
            var failure: Int32 = 0
            let written = output.withUnsafeMutableBytes { outBuffer in
                var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(mutating: base).assumingMemoryBound(to: CChar.self)
                var inLeft = input.count
                var outPointer = outBuffer.baseAddress?.assumingMemoryBound(to: CChar.self)
                var outLeft = outBuffer.count
                errno = 0
                let converted = iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft)
                if converted == -1 || inLeft != 0 { failure = errno == 0 ? EILSEQ : errno }
                return outBuffer.count - outLeft
            }
            if failure != 0 {
                throw Error(description: failure == EINVAL ? "\(source) text ends inside a multi-byte character" : "text is not valid \(source)")
            }
            output.removeLast(output.count - written)
            return output
        }
    }
}
