import Foundation

/// What `hispay sign` was given, for a channel to show exactly what its request signature covers.
/// Each channel reads the fields its scheme uses and names the ones it misses.
public struct SignatureInput: Sendable {
    /// HTTP method (WeChat Pay APIv3).
    public var method: String?
    /// Path and query (WeChat Pay APIv3).
    public var url: String?
    /// The exact request body (WeChat Pay APIv3; empty for GET).
    public var body: Data?
    /// Seconds (WeChat Pay APIv3) or milliseconds (the mobile-pay envelope); nil: now.
    public var timestamp: Int64?
    /// The nonce (WeChat Pay APIv3); nil: random.
    public var nonce: String?
    /// A JSON object of request parameters, and where it came from (named in errors).
    public var parameters: Data?
    public var parametersSource: String
    /// The time a signing certificate must be valid at.
    public var now: Date

    public init(
        method: String? = nil, url: String? = nil, body: Data? = nil, timestamp: Int64? = nil, nonce: String? = nil, parameters: Data? = nil,
        parametersSource: String = "the parameters", now: Date = Date()
    ) {
        self.method = method
        self.url = url
        self.body = body
        self.timestamp = timestamp
        self.nonce = nonce
        self.parameters = parameters
        self.parametersSource = parametersSource
        self.now = now
    }

    /// `value`, or a ``SignatureInputError`` naming `fields` when it is missing.
    public func require<T>(_ value: T?, _ fields: String..., note: String? = nil) throws(SignatureInputError) -> T {
        guard let value else { throw SignatureInputError(missing: fields, note: note) }
        return value
    }

    /// The top-level parameters of ``parameters``: an object value (Alipay's `biz_content`) becomes
    /// its compact JSON text (sorted keys), a number its decimal text.
    public func flatParameters(note: String? = nil) throws -> [String: String] {
        let data = try require(parameters, "params", note: note)
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ConfigurationError(.invalidValue, "\(parametersSource) must be a JSON object")
        }
        var flat: [String: String] = [:]
        for (key, value) in object {
            switch value {
            case let text as String: flat[key] = text
            case let number as NSNumber: flat[key] = number.stringValue
            case is [String: Any], is [Any]:
                let json = try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])
                flat[key] = String(decoding: json, as: UTF8.self)
            default: throw ConfigurationError(.invalidValue, "\(parametersSource): \(key) must be a string, number or object")
            }
        }
        return flat
    }
}

/// A ``SignatureInput`` lacks what the channel's scheme needs.
public struct SignatureInputError: Error, CustomStringConvertible {
    /// The input fields missing (`method`, `url`, `params`).
    public let missing: [String]
    /// What the missing input is, when it needs saying.
    public let note: String?
    public var description: String { "missing " + missing.joined(separator: " and ") + (note.map { " (\($0))" } ?? "") }
}
