import HISPayCore

/// The language of a reconciliation's notes, actions and page: Chinese (the finance office's,
/// the default of `hispay reconcile`) or English.
public enum ReportLanguage: String, Sendable, Hashable, Codable, CaseIterable {
    case zh
    case en

    /// `text` in this language.
    public func pick(_ text: LocalizedText) -> String { self == .zh ? text.zh : text.en }

    /// `zh` or `en` as this language says it.
    func pick(_ zh: String, _ en: String) -> String { self == .zh ? zh : en }
}
