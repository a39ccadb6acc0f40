import Foundation
import HISPay

/// The resolver's rounds on stderr: each entry it could not settle this time, and a failed round
/// (the store unreachable) once when it starts failing and once when it recovers — not every second.
final class ResolverLog: @unchecked Sendable {
    private let lock = NSLock()
    private var failing: String?

    func note(_ round: Result<[Resolver.Resolution], any Error>) {
        var lines: [String] = []
        lock.withLock {
            switch round {
            case .success(let resolutions):
                if failing != nil { lines.append("hispay: resolver: resumed") }
                failing = nil
                for resolution in resolutions {
                    guard let failure = resolution.failure else { continue }
                    lines.append("hispay: resolver: \(resolution.merchant)/\(resolution.channel) \(resolution.orderNo) still \(resolution.to.name): \(failure)")
                }
            case .failure(let error):
                let reason = "\(error)"
                if reason != failing { lines.append("hispay: resolver: paused: \(reason)") }
                failing = reason
            }
        }
        for line in lines { FileHandle.standardError.write(Data((line + "\n").utf8)) }
    }
}
