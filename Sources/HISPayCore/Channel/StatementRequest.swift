/// Which statement (对账单) to download.
public struct StatementRequest: Hashable, Sendable {
    /// The business day, `yyyy-MM-dd` (Beijing time).
    public let date: String
    /// Channel-specific statement type (`ALL`, `trade`, `signcustomer`…); nil for the channel's default.
    public var type: String?

    /// Validates `date` as `yyyy-MM-dd`; throws ``ChannelError/Code/invalidRequest`` otherwise.
    public init(date: String, type: String? = nil) throws(ChannelError) {
        let parts = date.split(separator: "-", omittingEmptySubsequences: false)
        let lengths = parts.map(\.count)
        guard lengths == [4, 2, 2], parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let month = Int(parts[1]), (1...12).contains(month), let day = Int(parts[2]), (1...31).contains(day)
        else {
            throw ChannelError(.invalidRequest, operation: .statement, reason: "statement date \"\(date)\" is not yyyy-MM-dd")
        }
        self.date = date
        self.type = type
    }
}
