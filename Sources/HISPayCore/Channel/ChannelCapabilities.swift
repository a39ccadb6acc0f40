/// What a channel supports: its operations and payment scenes. Calling anything else throws
/// ``ChannelError/Code/unsupportedOperation`` — never a crash.
public struct ChannelCapabilities: Hashable, Sendable {
    /// Supported operations.
    public var operations: Set<ChannelOperation>
    /// Supported payment scenes.
    public var scenes: Set<PaymentScene.Kind>

    public init(operations: Set<ChannelOperation>, scenes: Set<PaymentScene.Kind>) {
        self.operations = operations
        self.scenes = scenes
    }

    /// Whether `operation` is supported.
    public func supports(_ operation: ChannelOperation) -> Bool { operations.contains(operation) }

    /// Whether `scene` is supported.
    public func supports(_ scene: PaymentScene.Kind) -> Bool { scenes.contains(scene) }

    /// Whether freeze, capture and release are all supported.
    public var supportsPreAuthorization: Bool { ChannelOperation.preAuthorization.isSubset(of: operations) }

    /// Throws ``ChannelError/Code/unsupportedOperation`` unless `operation` is supported.
    public func require(_ operation: ChannelOperation, on channel: ChannelID) throws(ChannelError) {
        guard supports(operation) else { throw ChannelError.unsupported(operation, on: channel) }
    }

    /// Throws ``ChannelError/Code/unsupportedOperation`` unless `scene` is supported.
    public func require(_ scene: PaymentScene.Kind, on channel: ChannelID) throws(ChannelError) {
        guard supports(scene) else {
            throw ChannelError(
                .unsupportedOperation, channel: channel, operation: .pay,
                reason: "\(channel) does not support the \(scene) scene")
        }
    }
}
