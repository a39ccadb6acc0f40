import Foundation
import HISPayCore

/// What a report says about itself: when it was made, for which merchant and channel accounts,
/// from which input files (with their row counts and SHA-256), the channels' names as finance staff
/// say them, and the language. The CLI fills it in; `report.json` carries it as `context`.
public struct ReportContext: Sendable, Hashable, Codable {
    /// One input file.
    public struct Input: Sendable, Hashable, Codable {
        /// `ledger`, `carry-in`, or `statement:<channel>`.
        public var role: String
        public var file: String
        public var rows: Int
        /// Lower-case hex.
        public var sha256: String

        public init(role: String, file: String, rows: Int, sha256: String) {
            self.role = role
            self.file = file
            self.rows = rows
            self.sha256 = sha256
        }
    }

    public var generatedAt: Date
    public var language: ReportLanguage
    /// The merchant profile (campus), when known.
    public var merchant: String?
    /// Each channel's merchant account (WeChat Pay `mchid`, Alipay `app_id`, UnionPay `merId`), by channel id.
    public var accounts: [String: String]
    /// Each channel's name in the report's language, by channel id.
    public var channelNames: [String: String]
    public var inputs: [Input]

    public init(
        generatedAt: Date = Date(), language: ReportLanguage = .zh, merchant: String? = nil, accounts: [String: String] = [:],
        channelNames: [String: String] = [:], inputs: [Input] = []
    ) {
        self.generatedAt = generatedAt
        self.language = language
        self.merchant = merchant
        self.accounts = accounts
        self.channelNames = channelNames
        self.inputs = inputs
    }
}
