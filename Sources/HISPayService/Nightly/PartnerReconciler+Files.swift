import Foundation
import HISPayCore
import HISPayCrypto
import Reconciliation

extension PartnerReconciler {
    /// A matcher for the partners' order `files` (partner name and file), each read as the
    /// configuration's `partners[]` entry of that name describes it.
    public convenience init(files: [(name: String, file: URL)], configuration: HISPayConfiguration, language: ReportLanguage) throws {
        let formats = try PartnerFormat.all(in: configuration.root)
        var orders: [String: [PartnerOrder]] = [:]
        for (name, file) in files {
            guard let format = formats.first(where: { $0.name == name }) else {
                throw ConfigurationError(
                    .invalidValue,
                    "partner \(name) is not in the config's partners list (\(formats.isEmpty ? "which is empty" : formats.map(\.name).joined(separator: ", ")))")
            }
            guard orders[name] == nil else { throw ConfigurationError(.invalidValue, "partner \(name)'s file is given twice") }
            orders[name] = try PartnerOrder.read(file, format: format)
        }
        self.init(formats: formats, orders: orders, language: language)
    }

    /// Each of `files`' report, naming the file and its SHA-256, once every HIS and statement row has
    /// been seen.
    public func reports(_ files: [(name: String, file: URL)]) throws -> [PartnerReport] {
        try files.map { name, file in try report(name, file: file.lastPathComponent, sha256: Hex.encode(try DigestAlgorithm.sha256.hash(fileAt: file))) }
    }
}
