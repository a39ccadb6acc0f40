import Foundation

/// File input for CLI commands, with one-line errors.
enum CLIFiles {
    static func read(_ path: String) throws -> Data {
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("cannot read \(path)") }
        return data
    }
}
