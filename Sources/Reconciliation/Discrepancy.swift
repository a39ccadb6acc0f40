import Foundation
import HISPayCore

/// One row the two sides disagree on, with what finance staff should do about it.
public struct Discrepancy: Hashable, Sendable, Codable {
    /// What kind of disagreement. Extensible.
    public struct Kind: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }
        public static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.name < rhs.name }

        /// In the channel's statement, not in the HIS (长款).
        public static let channelOnly = Kind("channelOnly")
        /// In the HIS, not in the channel's statement (短款).
        public static let hisOnly = Kind("hisOnly")
        public static let amountMismatch = Kind("amountMismatch")
        /// The channel shows the money moved; the HIS has the row in another status.
        public static let statusMismatch = Kind("statusMismatch")
        /// The same payment or refund twice in one source.
        public static let duplicate = Kind("duplicate")
        /// A statement row of a business type neither payment nor refund (its type in the note).
        public static let unclassified = Kind("unclassified")
        /// Not a disagreement: a row near midnight carried to the next day (跨日), in `otherRows`.
        public static let carriedOver = Kind("carriedOver")
        /// Not a disagreement: a HIS row closed or reversed with no money moved, in `otherRows`.
        public static let closed = Kind("closed")
        /// Not a disagreement: a HIS pre-authorisation freeze or release (no money moved) that the
        /// statement does not list, in `otherRows`.
        public static let authorization = Kind("authorization")

        public init(from decoder: any Decoder) throws { name = try decoder.singleValueContainer().decode(String.self) }
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(name)
        }
    }

    public var kind: Kind
    public var channel: ChannelID
    /// `payment` or `refund`.
    public var recordKind: StatementRecord.Kind
    public var outTradeNo: String
    public var outRefundNo: String?
    public var settlementID: String?
    public var hisAmount: Amount?
    public var channelAmount: Amount?
    public var time: Date
    /// For a duplicate: which source holds it twice (`his` or `channel`).
    public var source: String?
    /// What happened, in a sentence.
    public var note: String
    /// What to do about it.
    public var action: String

    public init(
        kind: Kind, channel: ChannelID, recordKind: StatementRecord.Kind, outTradeNo: String, outRefundNo: String? = nil, settlementID: String? = nil,
        hisAmount: Amount? = nil, channelAmount: Amount? = nil, time: Date, source: String? = nil, note: String, action: String
    ) {
        self.kind = kind
        self.channel = channel
        self.recordKind = recordKind
        self.outTradeNo = outTradeNo
        self.outRefundNo = outRefundNo
        self.settlementID = settlementID
        self.hisAmount = hisAmount
        self.channelAmount = channelAmount
        self.time = time
        self.source = source
        self.note = note
        self.action = action
    }

    /// A total order, so a report does not depend on the order its inputs came in.
    static func ordered(_ lhs: Discrepancy, _ rhs: Discrepancy) -> Bool {
        let left = (lhs.kind.name, lhs.channel.rawValue, lhs.recordKind.name, lhs.outTradeNo, lhs.outRefundNo ?? "", lhs.source ?? "")
        let right = (rhs.kind.name, rhs.channel.rawValue, rhs.recordKind.name, rhs.outTradeNo, rhs.outRefundNo ?? "", rhs.source ?? "")
        if left != right { return left < right }
        return (lhs.hisAmount?.fen ?? -1, lhs.channelAmount?.fen ?? -1, lhs.time) < (rhs.hisAmount?.fen ?? -1, rhs.channelAmount?.fen ?? -1, rhs.time)
    }
}
