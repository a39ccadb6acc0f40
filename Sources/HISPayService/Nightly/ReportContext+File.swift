import Foundation
import HISPayCrypto
import Reconciliation

extension ReportContext.Input {
    /// The input file at `file` as a report lists it: its name, `rows`, and the SHA-256 of its bytes.
    public init(role: String, fileAt file: URL, rows: Int) throws {
        self.init(role: role, file: file.lastPathComponent, rows: rows, sha256: Hex.encode(try DigestAlgorithm.sha256.hash(fileAt: file)))
    }
}
