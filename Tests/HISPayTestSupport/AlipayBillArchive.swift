import Foundation
import HISPayCore
import ZIPFoundation

/// Alipay bill archives for tests.
package enum AlipayBillArchive {
    /// A bill archive in the real layout: GBK CSV files with CRLF line ends, zipped.
    package static func make(detail: [String]?, summary: [String]?, encode: (String) throws -> [UInt8] = { try GB18030.encode($0) }) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        for (name, lines) in [("20880211096256330156_20190916_业务明细.csv", detail), ("20880211096256330156_20190916_业务明细(汇总).csv", summary)] {
            guard let lines else { continue }
            let bytes = Data(try encode(lines.joined(separator: "\r\n") + "\r\n"))
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(bytes.count), compressionMethod: .deflate) { position, size in
                bytes.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        guard let data = archive.data else { throw Archive.ArchiveError.unwritableArchive }
        return data
    }
}
