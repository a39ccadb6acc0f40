import Foundation
import HISPayCompression
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
            orders[name] = try PartnerOrder.load(file, format: format)
        }
        self.init(formats: formats, orders: orders, language: language)
    }

    /// Each of `files`' report, naming the file and its SHA-256, once every HIS and statement row has
    /// been seen.
    public func reports(_ files: [(name: String, file: URL)]) throws -> [PartnerReport] {
        try files.map { name, file in try report(name, file: file.lastPathComponent, sha256: Hex.encode(try DigestAlgorithm.sha256.hash(fileAt: file))) }
    }
}

extension PartnerOrder {
    /// Reads a partner's order file as `format` describes it: an XLSX workbook's first sheet
    /// (`XLSXSheet`: its lines are the sheet's row numbers) when the file is a zip archive, a CSV
    /// file (`read(_:format:)`) otherwise — told by the first bytes, not the name.
    public static func load(_ url: URL, format: PartnerFormat) throws -> [PartnerOrder] {
        let bytes: Data
        do { bytes = try Data(contentsOf: url, options: .mappedIfSafe) } catch {
            throw ReconciliationError(.unreadable, "cannot read \(format.name)'s order file \(url.path)")
        }
        guard ZipReader.isArchive(bytes) else { return try read(url, format: format) }
        do {
            return try parse(try XLSXSheet.rows(bytes, file: url.lastPathComponent), file: url.lastPathComponent, format: format)
        } catch let error as XLSXSheet.Error {
            throw ReconciliationError(.malformedLedger, error.description)
        }
    }
}
