import Foundation
import ZIPFoundation

/// Opens zip archives that arrive as bytes (bill downloads, files people hand in) for reading.
///
/// ZIPFoundation's in-memory reader traps when an entry points past the end of the data (its seek
/// allows it and the next read makes a negative range — found by fuzzing the Alipay and UnionPay
/// statement parsers), so one malformed archive would crash the process. The bytes are written to a
/// temporary file instead, which is unlinked as soon as it is open: reads past its end fail as
/// errors the parsers report.
public enum ZipArchive {
    /// An archive reading `data`; throws when it is not a readable zip archive.
    public static func reading(_ data: Data) throws -> Archive {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hispay-\(UUID().uuidString).zip")
        try data.write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try Archive(url: url, accessMode: .read)
    }
}
