/// A callback that passed verification, with the exact reply the channel expects once it is durably
/// recorded (e.g. WeChat v3 `204` with no body, Alipay `success`, UnionPay `200`).
public struct VerifiedCallback: Hashable, Sendable {
    public var event: CallbackEvent
    public var acknowledgement: HTTPResponse

    public init(event: CallbackEvent, acknowledgement: HTTPResponse) {
        self.event = event
        self.acknowledgement = acknowledgement
    }
}
