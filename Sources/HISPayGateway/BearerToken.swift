import Foundation
import HISPayCore
import HISPayCrypto

/// The credential callers of the gateway's internal routes (`/events`, `/healthz`, `/readyz`)
/// present as `Authorization: Bearer <token>`, compared in constant time.
///
/// It is read from a file (its first line) or an environment variable, never taken on the command
/// line, where `ps` shows it to every user of the machine; it never appears in logs or errors.
public struct BearerToken: Sendable, CustomStringConvertible {
    private let bytes: [UInt8]

    /// The fewest characters a token may have: a shorter secret is guessable.
    public static let minimumLength = 16

    /// A token of at least ``minimumLength`` printable ASCII characters.
    public init(_ token: String) throws(ConfigurationError) {
        let bytes = Array(token.utf8)
        guard bytes.count >= Self.minimumLength else {
            throw ConfigurationError(.invalidValue, "the internal token has \(bytes.count) characters; it needs at least \(Self.minimumLength)")
        }
        guard bytes.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw ConfigurationError(.invalidValue, "the internal token may hold only printable ASCII characters without spaces")
        }
        self.bytes = bytes
    }

    /// The token on the first line of the file at `path` (trailing spaces and line ends ignored).
    public static func file(_ path: String) throws(ConfigurationError) -> BearerToken {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(.fileUnreadable, "cannot read the internal token file \(path)")
        }
        let line = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        do {
            return try BearerToken(line.trimmingCharacters(in: .whitespaces))
        } catch {
            throw ConfigurationError(error.code, "\(path): \(error.reason)")
        }
    }

    /// The token in the environment variable `name`.
    public static func environment(
        _ name: String, in environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationError) -> BearerToken {
        guard let value = environment[name], !value.isEmpty else {
            throw ConfigurationError(.missingEnvironmentVariable, "the environment variable \(name) (the internal token) is not set")
        }
        do {
            return try BearerToken(value)
        } catch {
            throw ConfigurationError(error.code, "\(name): \(error.reason)")
        }
    }

    /// Whether the value of an `Authorization` header is `Bearer ` and this token.
    public func accepts(authorization: String?) -> Bool {
        guard let authorization, authorization.count > 7, authorization.prefix(7).lowercased() == "bearer " else { return false }
        return ConstantTime.equals(Array(authorization.utf8.dropFirst(7)), bytes)
    }

    /// Never the token itself.
    public var description: String { "BearerToken(\(bytes.count) characters)" }
}
