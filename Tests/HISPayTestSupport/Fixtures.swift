import Foundation
import HISPayCore

/// Test material committed under `Tests/HISPayTestSupport/Fixtures`: published vectors, UnionPay's
/// public test certificates, test-made TLS material and cassettes.
package enum Fixtures {
    /// The fixtures folder on disk.
    package static var directory: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures")
    }

    /// A fixture file's URL.
    package static func url(_ relativePath: String) -> URL {
        directory.appendingPathComponent(relativePath)
    }

    /// A fixture file's bytes.
    package static func bytes(_ relativePath: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url(relativePath)))
    }

    /// A fixture file's text.
    package static func text(_ relativePath: String) throws -> String {
        String(decoding: try bytes(relativePath), as: UTF8.self)
    }

    /// A published vector file from `Fixtures/vectors/NAME.json`.
    package static func vector(_ name: String) throws -> JSONValue {
        try JSONValue(parsing: Data(contentsOf: url("vectors/\(name).json")))
    }
}

/// Parsed JSON for tests: the configuration loader's value type, decoded with `JSONDecoder`
/// (Foundation's `JSONSerialization` drops a leading U+FEFF from strings, which the WeChat bill
/// sample starts with).
package typealias JSONValue = ConfigValue

extension ConfigValue {
    package init(parsing data: Data) throws {
        self = try JSONDecoder().decode(ConfigValue.self, from: data)
    }

    /// `vector["inputs"]["key_hex"]`; `.null` when absent.
    package subscript(key: String) -> ConfigValue {
        if case .object(let object) = self, let value = object[key] { return value }
        return .null
    }

    package subscript(index: Int) -> ConfigValue {
        if case .array(let array) = self, array.indices.contains(index) { return array[index] }
        return .null
    }

    /// The string value, or an empty string when absent (so a missing vector field fails the
    /// comparison it feeds instead of crashing the test run).
    package var string: String {
        if case .string(let text) = self { return text }
        return ""
    }

    package var int: Int? {
        if case .number(let text) = self { return Int(text) }
        return nil
    }

    package var array: [ConfigValue] {
        if case .array(let array) = self { return array }
        return []
    }

    /// An object's entries with string values rendered as text (numbers as their decimal form).
    package var stringDictionary: [String: String] {
        guard case .object(let object) = self else { return [:] }
        return object.compactMapValues { value in
            switch value {
            case .string(let text): text
            case .number(let text): text
            default: nil
            }
        }
    }
}
