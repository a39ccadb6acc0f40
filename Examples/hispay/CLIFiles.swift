import Foundation
import HISPay

/// File input for CLI commands, with one-line errors.
enum CLIFiles {
    static func read(_ path: String) throws -> Data {
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("cannot read \(path)") }
        return data
    }

    /// Makes the folder `url` (and its parents) unless it exists, refusing in one line when it cannot.
    static func createDirectory(_ url: URL) throws {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw CLIError("cannot make the folder \(url.path): \(FileFailure.reason(error))")
        }
    }
}
