import HISPayCore

/// A fault the simulator injects into the next matching requests, as real channels misbehave.
public enum SandboxFault: String, Sendable, CaseIterable, Codable {
    /// The request takes effect, but the answer is `500 SYSTEM_ERROR` (outcome unknown: query).
    case serverError
    /// The answer's signature does not verify (the adapter must not believe it).
    case badSignature
    /// The callback the request causes is delivered twice.
    case duplicateCallback
    /// The answer comes after 3 seconds (a client timeout shorter than that sees no answer).
    case slow
    /// The callback the request causes is delivered 1.5 s late (after later ones: out of order).
    case lateCallback
    /// A statement download is cut off halfway.
    case truncatedStatement
    /// The request is refused without effect, as a platform refuses what it will not do (an NHSA
    /// 2601 reversal past its window).
    case refused

    /// `signature` with its first character changed (to one it is not), so it surely fails to verify.
    static func forged(_ signature: String) -> String { (signature.first == "A" ? "B" : "A") + signature.dropFirst() }

    /// Delivers a callback in the background: 1.5 s late, or twice, when `fault` says so.
    static func deliver(_ request: HTTPRequest, fault: SandboxFault?, with deliver: @escaping @Sendable (HTTPRequest) async -> Void) {
        Task {
            if fault == .lateCallback { try? await Task.sleep(for: .milliseconds(1500)) }
            await deliver(request)
            if fault == .duplicateCallback { await deliver(request) }
        }
    }
}
