import Foundation

/// One row of a channel statement, normalized across channels for reconciliation.
public struct StatementRecord: Hashable, Sendable, Codable {
    /// Payment, refund, or a row of a kind the parser does not classify. Extensible.
    public struct Kind: Hashable, Sendable, Codable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }
        public static let payment = Kind("payment")
        public static let refund = Kind("refund")
        /// A row of a business type the parser does not model (an Alipay 业务类型 other than 交易/退款):
        /// carried through for reconciliation to report, its type in ``StatementRecord/status``.
        public static let unclassified = Kind("unclassified")
        /// A pre-authorisation freeze (UnionPay txnType 02, Alipay fund authorisation): funds held on
        /// the payer's account, no money moved to the merchant. Its capture is a ``payment``.
        public static let freeze = Kind("freeze")
        /// A pre-authorisation given back uncaptured (UnionPay txnType 32, Alipay unfreeze): no money moved.
        public static let release = Kind("release")

        /// Whether a row of this kind is a pre-authorisation freeze or release: it holds or gives
        /// back the payer's funds without moving money.
        public var isAuthorization: Bool { self == .freeze || self == .release }

        public init(from decoder: any Decoder) throws { name = try decoder.singleValueContainer().decode(String.self) }
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(name)
        }
    }

    public var channel: ChannelID
    public var kind: Kind
    /// The hospital's merchant order number.
    public var outTradeNo: String
    /// The channel's transaction id.
    public var channelTradeNo: String
    /// The hospital's refund number (refunds only).
    public var outRefundNo: String?
    /// The channel's refund id (refunds only).
    public var channelRefundNo: String?
    /// The money that moved: the settled payment, or the refund (positive in both cases).
    public var amount: Amount
    /// The channel's fee for this row.
    public var fee: Amount
    /// When it happened, as the statement states it (Beijing time).
    public var time: Date
    /// The channel's status text for the row (`SUCCESS`, `REFUND`, …).
    public var status: String
    /// Set when the channel's own reconciliation disagrees with the hospital about this row (an NHSA
    /// 3202 result row whose `stmt_rslt` is not balanced): its result and memo. Such a row is never
    /// counted as matched.
    public var dispute: String?
    /// Set when the row was written irregularly and read with a repair (an Alipay row with more commas
    /// than the header, its free text taking the extra): what was repaired. Reconciliation lists such
    /// rows so a person can check them against the channel's own view.
    public var repair: String?

    public init(
        channel: ChannelID, kind: Kind, outTradeNo: String, channelTradeNo: String, outRefundNo: String? = nil,
        channelRefundNo: String? = nil, amount: Amount, fee: Amount, time: Date, status: String, dispute: String? = nil,
        repair: String? = nil
    ) {
        self.channel = channel
        self.kind = kind
        self.outTradeNo = outTradeNo
        self.channelTradeNo = channelTradeNo
        self.outRefundNo = outRefundNo
        self.channelRefundNo = channelRefundNo
        self.amount = amount
        self.fee = fee
        self.time = time
        self.status = status
        self.dispute = dispute
        self.repair = repair
    }
}
