import Logging

/// What a ``ChannelDescriptor`` builds a channel, a verifier or a signature explanation from: the
/// merchant's configuration block for the channel and the process's transports, clock and logger.
public struct ChannelSetup: Sendable {
    /// The merchant profile's block for the channel (e.g. `merchants[0].wechatpay`).
    public var block: ConfigBlock
    /// The merchant profile's name.
    public var merchant: String
    public var transports: any TransportProvider
    public var time: any TimeSource
    public var logger: Logger

    public init(block: ConfigBlock, merchant: String, transports: any TransportProvider, time: any TimeSource = SystemTimeSource(), logger: Logger = .silent) {
        self.block = block
        self.merchant = merchant
        self.transports = transports
        self.time = time
        self.logger = logger
    }
}
