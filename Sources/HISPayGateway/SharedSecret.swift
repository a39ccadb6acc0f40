import Foundation
import HISPayCore
import HISPayCrypto

/// A secret the gateway shares with the HIS: the bearer token callers of the internal routes
/// (`/events`, `/healthz`, `/readyz`) present as `Authorization: Bearer <token>`, or the key that
/// signs each event ``EventForwarder`` POSTs (``signatureHeader(for:at:)``).
///
/// It is read from a file (its first line) or an environment variable, never taken on the command
/// line, where `ps` shows it to every user of the machine; it is compared in constant time and never
/// appears in logs or errors.
public struct SharedSecret: Sendable, CustomStringConvertible {
    private let bytes: [UInt8]

    /// The fewest characters a secret may have: a shorter one is guessable.
    public static let minimumLength = 16

    /// A secret of at least ``minimumLength`` printable ASCII characters; `purpose` names it in errors
    /// ("the internal token").
    public init(_ secret: String, purpose: String = "the shared secret") throws(ConfigurationError) {
        let bytes = Array(secret.utf8)
        guard bytes.count >= Self.minimumLength else {
            throw ConfigurationError(.invalidValue, "\(purpose) has \(bytes.count) characters; it needs at least \(Self.minimumLength)")
        }
        guard bytes.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw ConfigurationError(.invalidValue, "\(purpose) may hold only printable ASCII characters without spaces")
        }
        self.bytes = bytes
    }

    /// The secret on the first line of the file at `path` (trailing spaces and line ends ignored).
    public static func file(_ path: String, purpose: String = "the shared secret") throws(ConfigurationError) -> SharedSecret {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(.fileUnreadable, "cannot read \(purpose) file \(path)")
        }
        let line = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        do {
            return try SharedSecret(line.trimmingCharacters(in: .whitespaces), purpose: purpose)
        } catch {
            throw ConfigurationError(error.code, "\(path): \(error.reason)")
        }
    }

    /// The secret in the environment variable `name`.
    public static func environment(
        _ name: String, purpose: String = "the shared secret", in environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationError) -> SharedSecret {
        guard let value = environment[name], !value.isEmpty else {
            throw ConfigurationError(.missingEnvironmentVariable, "the environment variable \(name) (\(purpose)) is not set")
        }
        do {
            return try SharedSecret(value, purpose: purpose)
        } catch {
            throw ConfigurationError(error.code, "\(name): \(error.reason)")
        }
    }

    /// Whether the value of an `Authorization` header is `Bearer ` (any case) and this secret.
    public func accepts(authorization: String?) -> Bool {
        guard let authorization, authorization.count > 7, authorization.prefix(7).lowercased() == "bearer " else { return false }
        return ConstantTime.equals(Array(authorization.utf8.dropFirst(7)), bytes)
    }

    /// The `HISPay-Signature` header value for `body` sent at `time`: `t=<unix seconds>,v1=<hex>`, the
    /// hex being HMAC-SHA256 under this secret of `<unix seconds>.<body>` — Stripe's webhook scheme
    /// (stripe-ruby `Stripe::Webhook::Signature.compute_signature`), so a HIS verifies it with its
    /// language's standard library. The timestamp lets the HIS refuse an old event replayed.
    public func signatureHeader(for body: Data, at time: Date) throws -> String {
        let seconds = Int64(time.timeIntervalSince1970.rounded(.down))
        var signed = Data("\(seconds).".utf8)
        signed.append(body)
        return "t=\(seconds),v1=" + Hex.encode(try HMAC.authenticationCode(for: signed, key: bytes))
    }

    /// Never the secret itself.
    public var description: String { "SharedSecret(\(bytes.count) characters)" }
}
