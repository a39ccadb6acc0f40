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
        let output = try convert(Array(bytes), from: "GB18030", to: "UTF-8")
        return String(decoding: output, as: UTF8.self)
    }

    /// Encodes text as GB18030 (for tests and the simulator).
    package static func encode(_ text: String) throws(GB18030.Error) -> [UInt8] {
        try convert(Array(text.utf8), from: "UTF-8", to: "GB18030")
    }

    private static func convert(_ input: [UInt8], from source: String, to target: String) throws(GB18030.Error) -> [UInt8] {
        guard let descriptor = iconv_open(target, source), descriptor != iconv_t(bitPattern: -1) else {
            throw Error(description: "iconv cannot convert \(source) to \(target) on this system")
        }
        defer { iconv_close(descriptor) }
        if input.isEmpty { return [] }
        var inputCopy = input
        var output = [UInt8](repeating: 0, count: input.count * 4 + 16)
        let outputCapacity = output.count
        var failure: Int32 = 0
        var remainingOut = outputCapacity
        inputCopy.withUnsafeMutableBytes { inBuffer in
            output.withUnsafeMutableBytes { outBuffer in
                var inPointer = inBuffer.baseAddress?.assumingMemoryBound(to: CChar.self)
                var inLeft = inBuffer.count
                var outPointer = outBuffer.baseAddress?.assumingMemoryBound(to: CChar.self)
                var outLeft = outBuffer.count
                errno = 0
                let converted = iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft)
                if converted == -1 || inLeft != 0 {
                    failure = errno == 0 ? EILSEQ : errno
                }
                remainingOut = outLeft
            }
        }
        if failure != 0 {
            throw Error(description: failure == EINVAL ? "\(source) text ends inside a multi-byte character" : "text is not valid \(source)")
        }
        return Array(output.prefix(outputCapacity - remainingOut))
    }
}
