import Synchronization

/// Where request nonces (`nonce_str`, `msgid` suffixes…) come from. Injected so signed requests
/// replay byte for byte.
public protocol NonceSource: Sendable {
    /// A fresh nonce.
    func nextNonce() -> String
}

/// Random alphanumeric nonces from the system's secure generator.
public struct RandomNonceSource: NonceSource {
    /// Characters per nonce (WeChat Pay allows up to 32).
    public let length: Int

    public init(length: Int = 32) { self.length = length }

    public func nextNonce() -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }
}

/// Nonces from a fixed list, then `"<prefix><n>"` counting on: for tests and cassette replay.
package final class ScriptedNonceSource: NonceSource {
    private let state: Mutex<(remaining: [String], counter: Int)>
    private let prefix: String

    package init(_ nonces: [String] = [], thenPrefix prefix: String = "NONCE") {
        state = Mutex((nonces, 0))
        self.prefix = prefix
    }

    package func nextNonce() -> String {
        state.withLock { state in
            if !state.remaining.isEmpty { return state.remaining.removeFirst() }
            state.counter += 1
            return "\(prefix)\(state.counter)"
        }
    }
}
