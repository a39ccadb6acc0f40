import Foundation

/// JSON helpers shared by the WeChat Pay adapters.
enum WeChatPayJSON {
    /// A one-line description of a decoding error: which key or path is wrong.
    static func describe(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?:
            return "missing \((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
            return "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case .dataCorrupted?:
            return "not valid JSON"
        default:
            return "\(error)"
        }
    }

    /// An amount in fen from a JSON number: whole numbers only — a fraction is not an amount, and is
    /// never truncated into one.
    static func fen(_ value: Any?) -> Int64? {
        guard let number = value as? NSNumber else { return nil }
        let fen = number.int64Value
        return NSNumber(value: fen) == number ? fen : nil
    }
}
