import Foundation

/// One JSON object of a configuration file (a channel block, or a nested one), with typed access
/// that resolves `env:NAME` values from the environment and file paths relative to the config file.
///
/// Errors name the key path (`merchants[0].wechatpay.apiV3Key`) and, for `env:` values, the
/// variable — never the value, which may be a secret. ``description`` lists keys only.
public struct ConfigBlock: Sendable, CustomStringConvertible {
    /// Where this block sits in the file, e.g. `merchants[0].alipay`.
    public let path: String
    /// The raw entries.
    public let entries: [String: ConfigValue]
    /// The directory relative file paths are resolved against.
    public let baseDirectory: URL
    private let environment: [String: String]
    /// Records the keys asked for, when a configuration check wants to know which keys were never read.
    private var log: KeyLog?

    init(path: String, entries: [String: ConfigValue], baseDirectory: URL, environment: [String: String], log: KeyLog? = nil) {
        self.path = path
        self.entries = entries
        self.baseDirectory = baseDirectory
        self.environment = environment
        self.log = log
    }

    /// The keys a reader asked a block (and the blocks within it) for, present or not: what a
    /// configuration check compares the keys present with, to find a misspelled one.
    package final class KeyLog: @unchecked Sendable {
        private let lock = NSLock()
        private var asked: Set<String> = []

        package init() {}

        func note(_ path: String) { lock.withLock { _ = asked.insert(path) } }

        /// The paths asked for (`merchants[0].wechatpay.mchId`).
        package var paths: Set<String> { lock.withLock { asked } }
    }

    /// This block, recording into `log` every key it (or a block within it) is asked for.
    package func logging(to log: KeyLog) -> ConfigBlock {
        var block = self
        block.log = log
        return block
    }

    /// Whether the block holds `key`; counts as asking for it.
    package func has(_ key: String) -> Bool { value(key) != nil }

    private func value(_ key: String) -> ConfigValue? {
        log?.note("\(path).\(key)")
        return entries[key]
    }

    /// The keys present.
    public var keys: [String] { entries.keys.sorted() }

    /// A required string (after `env:` resolution).
    public func string(_ key: String) throws(ConfigurationError) -> String {
        guard let value = try optionalString(key) else {
            throw ConfigurationError(.missingKey, "\(path).\(key) is required")
        }
        return value
    }

    /// An optional string (after `env:` resolution); numbers are given as their text.
    public func optionalString(_ key: String) throws(ConfigurationError) -> String? {
        switch value(key) {
        case nil, .null?: return nil
        case .string(let text)?:
            guard text.hasPrefix("env:") else { return text }
            let name = String(text.dropFirst(4))
            guard let value = environment[name], !value.isEmpty else { throw Self.unsetVariable(name, at: "\(path).\(key)") }
            return value
        case .number(let text)?: return text
        case let other?:
            throw ConfigurationError(.invalidValue, "\(path).\(key) must be a string, not a \(other.typeName)")
        }
    }

    /// An optional boolean.
    public func bool(_ key: String) throws(ConfigurationError) -> Bool? {
        switch value(key) {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        case let other?: throw ConfigurationError(.invalidValue, "\(path).\(key) must be true or false, not a \(other.typeName)")
        }
    }

    /// An optional integer.
    public func int(_ key: String) throws(ConfigurationError) -> Int? {
        switch value(key) {
        case nil, .null?: return nil
        case .number(let text)?:
            guard let value = Int(text) else {
                throw ConfigurationError(.invalidValue, "\(path).\(key) must be a whole number, not \(text)")
            }
            return value
        case let other?: throw ConfigurationError(.invalidValue, "\(path).\(key) must be a number, not a \(other.typeName)")
        }
    }

    /// A required file path, resolved against the config file's directory.
    public func fileURL(_ key: String) throws(ConfigurationError) -> URL {
        resolved(try string(key))
    }

    /// The bytes of a required file (a key, certificate or PKCS#12).
    public func fileBytes(_ key: String) throws(ConfigurationError) -> [UInt8] {
        let url = try fileURL(key)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw Self.unreadable(url, at: "\(path).\(key)")
        }
        return [UInt8](data)
    }

    /// A value read from the file that `key` names (a key, certificate, PKCS#12…): `transform` gets
    /// the file's bytes; its errors become ``ConfigurationError/Code/invalidValue`` naming the key.
    public func fileValue<T>(_ key: String, _ transform: ([UInt8]) throws -> T) throws(ConfigurationError) -> T {
        let bytes = try fileBytes(key)
        do { return try transform(bytes) } catch let error as ConfigurationError { throw error } catch {
            throw ConfigurationError(.invalidValue, "\(path).\(key): \(error)")
        }
    }

    /// A list of file paths (relative to the configuration file) read and each transformed, e.g. the
    /// certificates of a key; empty when the key is absent. Errors name the key and the entry's index.
    package func fileValues<T>(_ key: String, _ transform: ([UInt8]) throws -> T) throws(ConfigurationError) -> [T] {
        guard let value = self.value(key), value != .null else { return [] }
        guard case .array(let paths) = value else { throw ConfigurationError(.invalidValue, "\(path).\(key) must be a list of file paths") }
        var values: [T] = []
        for (index, entry) in paths.enumerated() {
            guard case .string(let file) = entry else { throw ConfigurationError(.invalidValue, "\(path).\(key)[\(index)] must be a file path") }
            let url = resolved(file)
            guard let data = FileManager.default.contents(atPath: url.path) else { throw Self.unreadable(url, at: "\(path).\(key)[\(index)]") }
            do { values.append(try transform([UInt8](data))) } catch {
                throw ConfigurationError(.invalidValue, "\(path).\(key)[\(index)]: \(error)")
            }
        }
        return values
    }

    /// A nested object, if present.
    public func block(_ key: String) throws(ConfigurationError) -> ConfigBlock? {
        switch value(key) {
        case nil, .null?: return nil
        case .object(let entries)?:
            return ConfigBlock(path: "\(path).\(key)", entries: entries, baseDirectory: baseDirectory, environment: environment, log: log)
        case let other?: throw ConfigurationError(.invalidValue, "\(path).\(key) must be an object, not a \(other.typeName)")
        }
    }

    /// A list of objects (`"partners": [{…}, {…}]`), each named by its index; empty when absent.
    public func blocks(_ key: String) throws(ConfigurationError) -> [ConfigBlock] {
        guard let value = self.value(key), value != .null else { return [] }
        guard case .array(let items) = value else { throw ConfigurationError(.invalidValue, "\(path).\(key) must be a list of objects") }
        var blocks: [ConfigBlock] = []
        for (index, item) in items.enumerated() {
            guard case .object(let fields) = item else {
                throw ConfigurationError(.invalidValue, "\(path).\(key)[\(index)] must be an object, not a \(item.typeName)")
            }
            blocks.append(ConfigBlock(path: "\(path).\(key)[\(index)]", entries: fields, baseDirectory: baseDirectory, environment: environment, log: log))
        }
        return blocks
    }

    /// Throws ``ConfigurationError/Code/unknownKey`` for any key not in `allowed` (catches typos).
    public func rejectUnknownKeys(allowed: Set<String>) throws(ConfigurationError) {
        for key in allowed { log?.note("\(path).\(key)") }
        if let unknown = keys.first(where: { !allowed.contains($0) }) {
            let hint = Self.closest(to: unknown, in: allowed).map { "did you mean \($0)?" } ?? "known: \(allowed.sorted().joined(separator: ", "))"
            throw ConfigurationError(.unknownKey, "\(path).\(unknown) is not a known key (\(hint))")
        }
    }

    /// The key of `candidates` that `key` is most likely a misspelling of: the same but for case, or
    /// at most two letters apart; nil when none is that close.
    package static func closest(to key: String, in candidates: some Collection<String>) -> String? {
        let lowered = key.lowercased()
        if let same = candidates.first(where: { $0.lowercased() == lowered }) { return same }
        return candidates.map { ($0, editDistance($0.lowercased(), lowered)) }.filter { $0.1 <= 2 }.min { ($0.1, $0.0) < ($1.1, $1.0) }?.0
    }

    /// Levenshtein distance between two keys.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }

    /// This block with `key` taken out — or, given `meant`, spelled so: what a configuration check
    /// builds again after reporting a key the channel does not know.
    package func removing(_ key: String, meant: String? = nil) -> ConfigBlock {
        var entries = entries
        let value = entries.removeValue(forKey: key)
        if let meant, entries[meant] == nil { entries[meant] = value }
        return ConfigBlock(path: path, entries: entries, baseDirectory: baseDirectory, environment: environment, log: log)
    }

    /// What the block refers to that is not there, found without building it — so a check reports
    /// them all, not only the first a channel stops at: every `env:` variable that is not set, and
    /// every file a value names (a path with a `/`, or a key or certificate file name) that cannot be
    /// read. The messages are those of the readers (``string(_:)``, ``fileBytes(_:)``).
    package func unresolvedReferences() -> [ConfigurationError] {
        func check(_ value: ConfigValue, at place: String) -> [ConfigurationError] {
            switch value {
            case .string(let text) where text.hasPrefix("env:"):
                let name = String(text.dropFirst(4))
                guard environment[name]?.isEmpty != false else { return [] }
                return [Self.unsetVariable(name, at: place)]
            case .string(let text) where Self.namesFile(text):
                let url = resolved(text)
                guard !FileManager.default.isReadableFile(atPath: url.path) else { return [] }
                return [Self.unreadable(url, at: place)]
            case .array(let items):
                return items.enumerated().flatMap { check($1, at: "\(place)[\($0)]") }
            case .object(let entries):
                return entries.keys.sorted().flatMap { check(entries[$0]!, at: "\(place).\($0)") }
            default:
                return []
            }
        }
        return keys.flatMap { check(entries[$0]!, at: "\(path).\($0)") }
    }

    /// A file path of the configuration: absolute, or relative to the configuration file's directory.
    package func resolved(_ file: String) -> URL {
        file.hasPrefix("/") ? URL(fileURLWithPath: file) : baseDirectory.appendingPathComponent(file)
    }

    /// The error of a value naming an `env:` variable that is not set (the variable named, never a value).
    private static func unsetVariable(_ name: String, at place: String) -> ConfigurationError {
        ConfigurationError(.missingEnvironmentVariable, "\(place) reads environment variable \(name), which is not set")
    }

    /// The error of a value naming a file that cannot be read.
    private static func unreadable(_ url: URL, at place: String) -> ConfigurationError {
        ConfigurationError(.fileUnreadable, "\(place) names \(url.path), which cannot be read")
    }

    /// Whether a value is a file path: not a URL, and with a `/` or a key or certificate file's extension.
    private static func namesFile(_ text: String) -> Bool {
        guard !text.contains("://"), !text.contains(" ") else { return false }
        let extensions = ["pem", "crt", "cer", "der", "key", "pfx", "p12"]
        return text.contains("/") || extensions.contains { text.lowercased().hasSuffix("." + $0) }
    }

    public var description: String { "ConfigBlock(\(path): \(keys.joined(separator: ", ")))" }
}
