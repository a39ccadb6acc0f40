import Foundation
import HISPayCore

/// A JSON object of an APIv3 message (a notification, its decrypted resource, a certificate download),
/// read field by field; a missing field or one of the wrong type is named by its path
/// (`missing resource.nonce`, `wrong type at amount.total`).
///
/// Read with HISPayCore's exact parser rather than `JSONDecoder`: decoding a notification and its
/// transaction through `Decodable` was a third of handling a callback, twice the parse itself.
/// Amounts stay whole numbers of fen from their text, never through floating point.
struct WeChatPayJSONObject {
    /// Why a message was refused: the path of the field, or that it is not JSON.
    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    private let entries: [String: ConfigValue]
    /// The keys leading here, each followed by a dot (empty at the top).
    private let path: String

    private init(_ entries: [String: ConfigValue], path: String) {
        self.entries = entries
        self.path = path
    }

    /// The object `data` holds.
    init(_ data: Data) throws(Problem) {
        guard let value = ConfigValue.decode(data) else { throw Problem(description: "not valid JSON") }
        guard case .object(let entries) = value else { throw Problem(description: "wrong type at the top level (not an object)") }
        self.init(entries, path: "")
    }

    /// The string at `key`.
    func string(_ key: String) throws(Problem) -> String {
        guard let text = try optionalString(key) else { throw missing(key) }
        return text
    }

    /// The string at `key`, or nil when it is absent or null.
    func optionalString(_ key: String) throws(Problem) -> String? {
        switch entries[key] {
        case nil, .null?: nil
        case .string(let text)?: text
        default: throw wrongType(key)
        }
    }

    /// The whole number at `key` (an amount in fen).
    func int64(_ key: String) throws(Problem) -> Int64 {
        guard let number = try optionalInt64(key) else { throw missing(key) }
        return number
    }

    /// The whole number at `key`, or nil when it is absent or null.
    func optionalInt64(_ key: String) throws(Problem) -> Int64? {
        switch entries[key] {
        case nil, .null?: return nil
        case .number(let text)?:
            guard let number = Int64(text) else { throw wrongType(key) }
            return number
        default: throw wrongType(key)
        }
    }

    /// The object at `key`.
    func object(_ key: String) throws(Problem) -> WeChatPayJSONObject {
        guard let object = try optionalObject(key) else { throw missing(key) }
        return object
    }

    /// The object at `key`, or nil when it is absent or null.
    func optionalObject(_ key: String) throws(Problem) -> WeChatPayJSONObject? {
        switch entries[key] {
        case nil, .null?: nil
        case .object(let entries)?: WeChatPayJSONObject(entries, path: path + key + ".")
        default: throw wrongType(key)
        }
    }

    /// The objects of the array at `key`.
    func objects(_ key: String) throws(Problem) -> [WeChatPayJSONObject] {
        guard case .array(let items)? = entries[key] else { throw entries[key] == nil ? missing(key) : wrongType(key) }
        var objects: [WeChatPayJSONObject] = []
        for (index, item) in items.enumerated() {
            guard case .object(let entries) = item else { throw wrongType("\(key).\(index)") }
            objects.append(WeChatPayJSONObject(entries, path: "\(path)\(key).\(index)."))
        }
        return objects
    }

    private func missing(_ key: String) -> Problem { Problem(description: "missing \(path)\(key)") }
    private func wrongType(_ key: String) -> Problem { Problem(description: "wrong type at \(path)\(key)") }
}
