import Foundation

/// A statement to parse: a file (streamed where the format allows) or bytes in memory, with its
/// name (some formats carry their settlement date only there) and the business day it belongs to.
public struct StatementInput: Sendable {
    /// The file name, e.g. `INN26112288ZM_777290058110048`.
    public var name: String
    /// The business day `yyyy-MM-dd` (Beijing), when the caller knows it.
    public var businessDate: String?
    private let source: Source

    private enum Source {
        case file(URL)
        case data(Data)
    }

    /// The file at `url`.
    public init(fileURL url: URL, businessDate: String? = nil) {
        name = url.lastPathComponent
        self.businessDate = businessDate
        source = .file(url)
    }

    /// Bytes already in memory (a downloaded ``StatementFile``).
    public init(data: Data, name: String = "", businessDate: String? = nil) {
        self.name = name
        self.businessDate = businessDate
        source = .data(data)
    }

    /// The lines, streamed from the file 64 KiB at a time.
    public func lines() throws(StatementInputError) -> LineReader {
        switch source {
        case .file(let url):
            guard FileManager.default.isReadableFile(atPath: url.path) else { throw StatementInputError(path: url.path) }
            return LineReader(fileURL: url)
        case .data(let data): return LineReader(data: data)
        }
    }

    /// All the bytes (archives are read whole).
    public func data() throws(StatementInputError) -> Data {
        switch source {
        case .file(let url):
            guard let data = FileManager.default.contents(atPath: url.path) else { throw StatementInputError(path: url.path) }
            return data
        case .data(let data): return data
        }
    }
}

/// A statement file that cannot be read.
public struct StatementInputError: Error, CustomStringConvertible {
    /// The file's path.
    public let path: String
    public var description: String { "cannot read the statement \(path)" }
}
