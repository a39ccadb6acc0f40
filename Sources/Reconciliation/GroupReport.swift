import Foundation
import HISPayCore

/// One night's reconciliation of a hospital group: a section per merchant profile (campus), each
/// with how every channel's statement was had and that merchant's ``ReconciliationReport``. Written
/// as `report.json` and `report.html` at the top of the nightly run's directory, each merchant's
/// own files in a folder named after it.
public struct GroupReport: Sendable, Hashable, Codable {
    /// How one channel's statement was had.
    public struct Statement: Sendable, Hashable, Codable {
        /// `downloaded`: reconciled; `empty`: the channel has no statement for the day (no trades);
        /// `unavailable`: not published or refused after every attempt — the channel's rows were not
        /// reconciled and stay carried (rerun the day once it is out).
        public enum State: String, Sendable, Hashable, Codable {
            case downloaded
            case empty
            case unavailable
        }

        public var channel: ChannelID
        public var state: State
        /// The saved file, relative to the merchant's folder (downloaded statements).
        public var file: String?
        public var rows: Int?
        /// Lower-case hex (downloaded statements).
        public var sha256: String?
        public var attempts: Int
        /// Why the statement is unavailable, in the channel's words.
        public var problem: String?

        public init(
            channel: ChannelID, state: State, file: String? = nil, rows: Int? = nil, sha256: String? = nil, attempts: Int, problem: String? = nil
        ) {
            self.channel = channel
            self.state = state
            self.file = file
            self.rows = rows
            self.sha256 = sha256
            self.attempts = attempts
            self.problem = problem
        }
    }

    /// One merchant profile's night.
    public struct Section: Sendable, Hashable, Codable {
        public var merchant: String
        public var statements: [Statement]
        /// HIS rows left out, by channel id: their channel's statement was unavailable (they are
        /// carried to the next run) or is not downloaded by day (reconcile them with `--statement`).
        public var notReconciled: [String: ReconciliationReport.Bucket]
        public var report: ReconciliationReport

        public init(merchant: String, statements: [Statement], notReconciled: [String: ReconciliationReport.Bucket] = [:], report: ReconciliationReport) {
            self.merchant = merchant
            self.statements = statements
            self.notReconciled = notReconciled
            self.report = report
        }
    }

    /// What the night asks of a person, worst first; the CLI's exit status says it.
    public enum Attention: String, Sendable, Hashable, Codable, Comparable {
        /// Everything matched, carried over or closed.
        case none
        /// Discrepancies to look at.
        case discrepancies
        /// A statement could not be had: part of the day is not reconciled yet.
        case incomplete

        public static func < (a: Attention, b: Attention) -> Bool { a.rank < b.rank }
        private var rank: Int { self == .none ? 0 : self == .discrepancies ? 1 : 2 }
    }

    public var date: String
    public var generatedAt: Date
    public var language: ReportLanguage
    public var sections: [Section]
    /// The resource-pool partners' files matched three ways against every merchant's day (absent
    /// when none was given).
    public var partners: [PartnerReport]?

    public init(date: String, generatedAt: Date = Date(), language: ReportLanguage = .zh, sections: [Section]) {
        self.date = date
        self.generatedAt = generatedAt
        self.language = language
        self.sections = sections
    }

    /// The worst of the sections and the partners' files.
    public var attention: Attention {
        let partnerItems = partners?.contains { !$0.items.isEmpty } == true ? Attention.discrepancies : .none
        return sections.map { section in
            if section.statements.contains(where: { $0.state == .unavailable }) { return Attention.incomplete }
            return section.report.needsAttention ? .discrepancies : .none
        }.reduce(partnerItems, max)
    }

    private enum CodingKeys: String, CodingKey {
        case date, generatedAt, language, sections, partners, attention
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        date = try container.decode(String.self, forKey: .date)
        generatedAt = try container.decode(Date.self, forKey: .generatedAt)
        language = try container.decode(ReportLanguage.self, forKey: .language)
        sections = try container.decode([Section].self, forKey: .sections)
        partners = try container.decodeIfPresent([PartnerReport].self, forKey: .partners)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(date, forKey: .date)
        try container.encode(generatedAt, forKey: .generatedAt)
        try container.encode(language, forKey: .language)
        try container.encode(sections, forKey: .sections)
        try container.encodeIfPresent(partners, forKey: .partners)
        try container.encode(attention, forKey: .attention)
    }
}
