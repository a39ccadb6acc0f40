import Foundation
import ZIPFoundation

/// Zip archives for the simulated bill downloads (Alipay's archive of GBK CSV files).
enum SandboxZip {
    static func make(_ files: [(name: String, contents: Data)]) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        for (name, contents) in files {
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(contents.count), compressionMethod: .deflate) { position, size in
                contents.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        guard let data = archive.data else { throw CocoaError(.fileWriteUnknown) }
        return data
    }
}
