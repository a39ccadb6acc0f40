import Foundation
import HISPayCore
import HISPayStore

/// When the resolver asks about an open order, and when an unpaid order is given up: a back-off
/// schedule of delays between queries (the last one repeats), and how long a payment may stay
/// unpaid before it is closed — or reversed, for a barcode payment — when the request set no
/// expiry of its own. Channels may have their own schedules.
public struct ResolverPolicy: Sendable {
    /// Seconds between queries: the first after the order was sent, then each after the last.
    public var schedule: [TimeInterval]
    public var channelSchedules: [ChannelID: [TimeInterval]]
    /// How long a barcode payment may wait for the payer's password before it is reversed.
    public var barcodeExpiry: TimeInterval
    /// How long a QR, JSAPI, H5 or app payment may stay unpaid before it is closed.
    public var orderExpiry: TimeInterval

    public init(
        schedule: [TimeInterval] = [5, 10, 30, 60, 300], channelSchedules: [ChannelID: [TimeInterval]] = [:], barcodeExpiry: TimeInterval = 60,
        orderExpiry: TimeInterval = 1800
    ) {
        self.schedule = schedule
        self.channelSchedules = channelSchedules
        self.barcodeExpiry = barcodeExpiry
        self.orderExpiry = orderExpiry
    }

    /// When to ask next about an order of `channel` after `attempts` queries.
    func nextCheck(after attempts: Int, channel: ChannelID, from now: Date) -> Date {
        let delays = channelSchedules[channel] ?? schedule
        guard let last = delays.last else { return now }
        return now.addingTimeInterval(attempts < delays.count ? delays[attempts] : last)
    }

    func expiry(for scene: PaymentScene.Kind, from now: Date) -> Date {
        now.addingTimeInterval(scene == .barcode ? barcodeExpiry : orderExpiry)
    }
}
