import Foundation
import HISPay

/// File input and output for CLI commands, with one-line errors.
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

    /// Writes `data` to the file at `path` (replacing it), refusing in one line when it cannot.
    static func write(_ data: Data, to path: String) throws {
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CLIError("cannot write \(path): \(FileFailure.reason(error))")
        }
    }
}
