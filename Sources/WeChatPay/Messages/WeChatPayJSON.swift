import Foundation

/// JSON helpers shared by the WeChat Pay adapters.
enum WeChatPayJSON {
    /// An amount in fen from a JSON number: whole numbers only — a fraction is not an amount, and is
    /// never truncated into one.
    static func fen(_ value: Any?) -> Int64? {
        guard let number = value as? NSNumber else { return nil }
        let fen = number.int64Value
        return NSNumber(value: fen) == number ? fen : nil
    }
}
