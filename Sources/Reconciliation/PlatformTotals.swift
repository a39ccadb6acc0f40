import Foundation
import HISPayCore

/// A channel's own check of the day's totals against the hospital's (the NHSA's 3201 对总账, per
/// insurance type, clearing type and clearing agency): what the hospital sent and the platform's
/// verdict. Not a bucket of rows — the rows are reconciled one by one beside it — but a total the
/// platform disputes is for a person to look at.
public struct PlatformTotals: Hashable, Sendable, Codable {
    public var channel: ChannelID
    /// The group the totals are of, in the channel's words (`insutype 310, clr_type 11, setl_optins 440100`).
    public var group: String
    /// The hospital's settlements in the group, their total, and its parts by the channel's names
    /// (`fund_pay_sumamt`, `acct_pay`).
    public var count: Int
    public var total: Amount
    public var parts: [String: Amount]
    /// Whether the platform agrees, and what it said.
    public var balanced: Bool
    public var detail: String?

    public init(channel: ChannelID, group: String, count: Int, total: Amount, parts: [String: Amount], balanced: Bool, detail: String?) {
        self.channel = channel
        self.group = group
        self.count = count
        self.total = total
        self.parts = parts
        self.balanced = balanced
        self.detail = detail
    }
}
