/// A callback that passed verification, with the exact reply the channel expects once it is durably
/// recorded (e.g. WeChat v3 `204` with no body, Alipay `success`, UnionPay `200`).
public struct VerifiedCallback: Hashable, Sendable {
    public var event: CallbackEvent
    public var acknowledgement: HTTPResponse
    /// Set when the callback is genuine but not this profile's to apply — it names another merchant
    /// (a sub-merchant the profile does not serve, another app): why. The notification centre records
    /// it quarantined and acknowledges it, since a retry would not change it.
    public var quarantine: String?

    public init(event: CallbackEvent, acknowledgement: HTTPResponse, quarantine: String? = nil) {
        self.event = event
        self.acknowledgement = acknowledgement
        self.quarantine = quarantine
    }
}
