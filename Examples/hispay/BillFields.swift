import HISPay

/// A bill file's fields, each required text named in the error when missing.
struct BillFields {
    let fields: [String: ConfigValue]
    let path: String

    func text(_ key: String) throws -> String {
        guard let value = fields[key]?.text, !value.isEmpty else { throw CLIError("\(path) lacks \(key)") }
        return value
    }
}
