import Foundation

/// Fields of a delimited line, found on its bytes without decoding it.
package enum ByteFields {
    /// Splits `bytes` at every `separator` (no quoting) into `bounds`, reused from line to line so a
    /// file's rows allocate nothing; an empty line is one empty field. A plain loop: fields are a few
    /// bytes, and `memchr` per field cost more than it saved.
    package static func split(_ bytes: UnsafeRawBufferPointer, at separator: UInt8, into bounds: inout [Range<Int>]) {
        bounds.removeAll(keepingCapacity: true)
        var start = 0
        for index in 0..<bytes.count where bytes[index] == separator {
            bounds.append(start..<index)
            start = index + 1
        }
        bounds.append(start..<bytes.count)
    }

    /// `field` without leading and trailing ASCII spaces and tabs.
    package static func trimmed(_ field: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var field = field
        while let first = field.first, first == 0x20 || first == 0x09 { field = UnsafeRawBufferPointer(rebasing: field.dropFirst()) }
        while let last = field.last, last == 0x20 || last == 0x09 { field = UnsafeRawBufferPointer(rebasing: field.dropLast()) }
        return field
    }
}
