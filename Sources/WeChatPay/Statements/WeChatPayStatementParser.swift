import HISPayCore

/// The trade bill (APIv3 `tradebill` and v2 `downloadbill` share the format) as a
/// `StatementParser`: streamed line by line through ``WeChatPayBillParser``.
public struct WeChatPayStatementParser: StatementParser {
    /// The channel the records are booked under: one merchant's v3 and v2 payments share one bill.
    public let channel: ChannelID

    public init(channel: ChannelID = .wechatPay) { self.channel = channel }

    public func parse(_ input: StatementInput, _ handle: (StatementRecord) throws -> Void) throws -> StatementTotals {
        let stated = try WeChatPayBillParser.parse(input.lines(), channel: channel, handle)
        return StatementTotals(count: stated.count, paymentAmount: stated.paymentAmount, refundAmount: stated.refundAmount, fee: stated.fee)
    }
}
