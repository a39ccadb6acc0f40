/// A value bound to or read from a statement: the three kinds the store's schema uses.
package enum SQLValue: Sendable, Hashable {
    case integer(Int64)
    case text(String)
    case null

    package var integer: Int64? { if case .integer(let value) = self { value } else { nil } }
    package var text: String? { if case .text(let value) = self { value } else { nil } }
}

extension Optional where Wrapped == String {
    package var sql: SQLValue { map(SQLValue.text) ?? .null }
}

extension Optional where Wrapped == Int64 {
    package var sql: SQLValue { map(SQLValue.integer) ?? .null }
}
