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
}
