import Foundation

/// A downloaded statement, as the channel served it (after transport-level decompression and
/// integrity checks), ready for the channel's streaming parser.
public struct StatementFile: Hashable, Sendable {
    public var channel: ChannelID
    public var date: String
    /// The file format, e.g. `wechatpay.tradebill.csv`, `alipay.bill.zip`, `unionpay.zm`.
    public var format: String
    public var contents: Data

    public init(channel: ChannelID, date: String, format: String, contents: Data) {
        self.channel = channel
        self.date = date
        self.format = format
        self.contents = contents
    }
}
