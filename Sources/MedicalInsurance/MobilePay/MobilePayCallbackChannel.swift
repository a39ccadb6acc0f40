import HISPayCore
import Logging

/// The mobile-payment centre's settlement notifications behind ``PaymentChannel``, so the
/// notification centre takes them like every channel's callbacks. It only verifies callbacks: the
/// centre's calls are ``MobilePayClient``'s.
public struct MobilePayCallbackChannel: PaymentChannel {
    public let handler: MobilePayNotificationHandler

    /// `logger` hears which SM2 ID a notice verified under when it is not the configured one.
    public init(credentials: MobilePayCredentials, logger: Logger = .silent) {
        handler = MobilePayNotificationHandler(credentials: credentials, logger: logger)
    }

    public var id: ChannelID { .insurance }
    public var capabilities: ChannelCapabilities { ChannelCapabilities(operations: [.callback], scenes: []) }

    public func pay(_ request: PayRequest) async throws -> Outcome<Payment> { throw ChannelError.unsupported(.pay, on: id) }
    public func query(_ order: OrderReference) async throws -> Outcome<Payment> { throw ChannelError.unsupported(.query, on: id) }

    public func verifyCallback(_ request: CallbackRequest) async throws -> VerifiedCallback { try handler.handle(request) }

    /// `{"code":-1,"message":"fail","success":false}`: the centre sends the notification again.
    public func callbackRejection(reason: String) -> HTTPResponse { MobilePayNotificationHandler.rejection }
}
