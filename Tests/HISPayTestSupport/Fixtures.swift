import Foundation

/// Test material committed under `Tests/HISPayTestSupport/Fixtures`: published vectors, UnionPay's
/// public test certificates, test-made TLS material and cassettes.
public enum Fixtures {
    /// The fixtures folder on disk.
    public static var directory: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures")
    }

    /// A fixture file's URL.
    public static func url(_ relativePath: String) -> URL {
        directory.appendingPathComponent(relativePath)
    }

    /// A fixture file's bytes.
    public static func bytes(_ relativePath: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url(relativePath)))
    }

    /// A fixture file's text.
    public static func text(_ relativePath: String) throws -> String {
        String(decoding: try bytes(relativePath), as: UTF8.self)
    }

    /// A published vector file from `Fixtures/vectors/NAME.json`.
    public static func vector(_ name: String) throws -> JSONValue {
        try JSONValue(parsing: Data(contentsOf: url("vectors/\(name).json")))
    }
}

/// Read-only access into parsed JSON for tests: `vector["inputs"]["key_hex"].string`.
public struct JSONValue: @unchecked Sendable {
    private let value: Any?

    public init(parsing data: Data) throws {
        value = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
    }

    private init(raw: Any?) { value = raw }

    public subscript(key: String) -> JSONValue {
        JSONValue(raw: (value as? [String: Any])?[key])
    }

    public subscript(index: Int) -> JSONValue {
        guard let array = value as? [Any], array.indices.contains(index) else { return JSONValue(raw: nil) }
        return JSONValue(raw: array[index])
    }

    /// The string value, or an empty string when absent (so a missing vector field fails the
    /// comparison it feeds instead of crashing the test run).
    public var string: String { value as? String ?? "" }
    public var int: Int? { value as? Int }
    public var bool: Bool? { value as? Bool }
    public var array: [JSONValue] { (value as? [Any] ?? []).map { JSONValue(raw: $0) } }
    public var isNull: Bool { value == nil || value is NSNull }

    /// An object's entries with string values rendered as text (numbers as their decimal form).
    public var stringDictionary: [String: String] {
        var out: [String: String] = [:]
        for (key, item) in value as? [String: Any] ?? [:] {
            if let text = item as? String { out[key] = text } else if let number = item as? NSNumber { out[key] = number.stringValue }
        }
        return out
    }
}
