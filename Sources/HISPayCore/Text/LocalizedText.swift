/// A short text for people in both languages HISPay reports in: Chinese for the hospital's finance
/// office, English for everyone else.
public struct LocalizedText: Sendable, Hashable, Codable {
    public var zh: String
    public var en: String

    public init(zh: String, en: String) {
        self.zh = zh
        self.en = en
    }
}
