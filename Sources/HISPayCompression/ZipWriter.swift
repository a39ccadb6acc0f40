import Foundation
import ZIPFoundation

/// Writes zip archives in memory (deflated entries) with ZIPFoundation: the NHSA 3202 settlement
/// list uploaded zipped, and the simulated bill downloads. Reading is ``ZipReader``'s.
package enum ZipWriter {
    package struct Error: Swift.Error, Hashable, Sendable, CustomStringConvertible {
        package let description: String
    }

    /// An archive holding `files` in order.
    package static func archive(_ files: [(name: String, contents: Data)]) throws(ZipWriter.Error) -> Data {
        do {
            let archive = try Archive(data: Data(), accessMode: .create)
            for (name, contents) in files {
                try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(contents.count), compressionMethod: .deflate) { position, size in
                    contents.subdata(in: Int(position)..<Int(position) + size)
                }
            }
            if let data = archive.data { return data }
        } catch {
            throw Error(description: "the zip archive could not be written: \(type(of: error))")
        }
        throw Error(description: "the zip archive could not be written")
    }
}
