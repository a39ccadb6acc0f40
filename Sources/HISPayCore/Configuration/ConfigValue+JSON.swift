import Foundation

extension ConfigValue {
    /// Compact JSON text with object keys sorted and numbers written as their exact decimal text.
    /// With `stringifyScalars`, numbers and booleans become strings, and empty strings, nulls and empty
    /// arrays are dropped from objects and empty strings from arrays — the canonical form NHSA
    /// mobile-pay signs nested values in (its `SignUtil` drops what its `treeParams`/`treeJsonArray` skip).
    public func jsonText(stringifyScalars: Bool = false) -> String {
        switch self {
        case .string(let text): return Self.quote(text)
        case .number(let text): return stringifyScalars ? Self.quote(text) : text
        case .bool(let value): return stringifyScalars ? Self.quote(value ? "true" : "false") : (value ? "true" : "false")
        case .null: return "null"
        case .array(let items):
            let kept = items.filter { !stringifyScalars || $0 != .string("") }
            return "[" + kept.map { $0.jsonText(stringifyScalars: stringifyScalars) }.joined(separator: ",") + "]"
        case .object(let entries):
            let kept = entries.filter { !stringifyScalars || ($0.value != .null && $0.value != .string("") && $0.value != .array([])) }
            return "{" + kept.sorted { $0.key < $1.key }.map { Self.quote($0.key) + ":" + $0.value.jsonText(stringifyScalars: stringifyScalars) }
                .joined(separator: ",") + "}"
        }
    }

    private static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20: out += String(format: "\\u%04x", c.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
