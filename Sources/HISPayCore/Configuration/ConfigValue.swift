import Foundation

/// A JSON value with numbers kept as exact decimal text: configuration files, and channel answers
/// whose money must not pass through floating point.
public enum ConfigValue: Hashable, Sendable, Decodable {
    case string(String)
    /// A number, kept as its text so no precision is lost.
    case number(String)
    case bool(Bool)
    case object([String: ConfigValue])
    case array([ConfigValue])
    case null

    /// Parses JSON text; throws ``ConfigurationError/Code/malformedJSON`` naming the line and column
    /// where the text stops being JSON.
    static func parse(_ data: Data, source: String) throws(ConfigurationError) -> ConfigValue {
        do {
            return try JSONDecoder().decode(ConfigValue.self, from: data)
        } catch {
            throw ConfigurationError(.malformedJSON, "\(source) is not valid JSON: \(syntaxProblem(data))")
        }
    }

    /// Where `data` stops being JSON, as `line L, column C` (1-based; the column counts characters).
    static func syntaxProblem(_ data: Data) -> String {
        guard !data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) else { return "the file is empty" }
        guard let offset = data.withUnsafeBytes({ ExactJSONParser.failureOffset($0) }) else { return "it is not one JSON value" }
        let before = data.prefix(offset)
        let line = before.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
        let lineStart = before.lastIndex(of: 0x0A).map { $0 + 1 } ?? before.startIndex
        let column = String(decoding: data[lineStart..<(before.startIndex + offset)], as: UTF8.self).count + 1
        return offset >= data.count ? "it ends early (line \(line), column \(column))" : "unexpected text at line \(line), column \(column)"
    }

    /// The JSON type's name, for error messages.
    var typeName: String {
        switch self {
        case .string: "string"
        case .number: "number"
        case .bool: "boolean"
        case .object: "object"
        case .array: "array"
        case .null: "null"
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode(Decimal.self) {
            self = .number("\(value)")
        } else if let value = try? container.decode([String: ConfigValue].self) {
            self = .object(value)
        } else {
            self = .array(try container.decode([ConfigValue].self))
        }
    }

    /// Parses JSON text keeping every number's exact text (`123.40` stays `123.40`); nil when it is
    /// not JSON.
    public static func decode(_ data: Data) -> ConfigValue? { data.withUnsafeBytes { ExactJSONParser.parse($0) } }

    /// The object's entries (empty for anything else).
    public var objectValue: [String: ConfigValue] {
        if case .object(let object) = self { return object }
        return [:]
    }

    /// The array's elements (empty for anything else).
    public var arrayValue: [ConfigValue] {
        if case .array(let array) = self { return array }
        return []
    }

    /// A string's text, or a number's exact decimal text; nil for anything else.
    public var text: String? {
        switch self {
        case .string(let text), .number(let text): text
        default: nil
        }
    }
}
