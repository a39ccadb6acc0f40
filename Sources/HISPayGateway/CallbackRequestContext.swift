import Hummingbird
import NIOCore

/// The request context of the public listener: Hummingbird's basic one plus the peer's address,
/// which the per-source rate limit counts by (``CallbackGateway/notifyRouter()``).
public struct CallbackRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connection's peer: the channel's server, or the proxy in front of the gateway.
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
