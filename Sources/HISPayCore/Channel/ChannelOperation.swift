/// One operation of ``PaymentChannel``, as named in capability sets and errors.
public struct ChannelOperation: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    public init(_ name: String) { self.name = name }
    public var description: String { name }

    public static let pay = ChannelOperation("pay")
    public static let query = ChannelOperation("query")
    public static let close = ChannelOperation("close")
    public static let reverse = ChannelOperation("reverse")
    public static let refund = ChannelOperation("refund")
    public static let refundQuery = ChannelOperation("refundQuery")
    public static let callback = ChannelOperation("callback")
    public static let statement = ChannelOperation("statement")
    /// Pre-authorisation: freeze funds (先诊疗后付费, 住院预交金).
    public static let freeze = ChannelOperation("freeze")
    /// Pre-authorisation: take part or all of the frozen funds.
    public static let capture = ChannelOperation("capture")
    /// Pre-authorisation: give back what was not captured.
    public static let release = ChannelOperation("release")

    /// The operations every channel is expected to offer.
    public static let core: Set<ChannelOperation> = [.pay, .query, .close, .refund, .refundQuery, .callback, .statement]
    /// The pre-authorisation trio.
    public static let preAuthorization: Set<ChannelOperation> = [.freeze, .capture, .release]
}
