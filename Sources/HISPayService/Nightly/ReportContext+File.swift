import Foundation
import HISPayCrypto
import Reconciliation

extension ReportContext.Input {
    /// The input file at `file` as a report lists it: its name, `rows`, and the SHA-256 of its bytes.
    public init(role: String, fileAt file: URL, rows: Int) throws {
        self.init(role: role, file: file.lastPathComponent, rows: rows, sha256: try Self.sha256(ofFileAt: file))
    }

    /// The hex SHA-256 of the file's bytes, as a report lists it (for a caller that hashes while it
    /// still counts the rows).
    public static func sha256(ofFileAt file: URL) throws -> String { Hex.encode(try DigestAlgorithm.sha256.hash(fileAt: file)) }
}
