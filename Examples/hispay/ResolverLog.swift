import Foundation
import HISPay
import Metrics

/// The resolver's rounds on stderr: each entry it could not settle this time, and a failed round
/// (the store unreachable) once when it starts failing and once when it recovers — not every second.
/// Counted too: `hispay_resolver_due` (entries worked on in the last round), `hispay_resolver_unsettled`
/// (of those, still open after it) and `hispay_resolver_failed_rounds_total`.
final class ResolverLog: @unchecked Sendable {
    private let lock = NSLock()
    private var failing: String?

    func note(_ round: Result<[Resolver.Resolution], any Error>) {
        var lines: [String] = []
        lock.withLock {
            switch round {
            case .success(let resolutions):
                Gauge(label: "hispay_resolver_due").record(resolutions.count)
                Gauge(label: "hispay_resolver_unsettled").record(resolutions.filter { $0.failure != nil }.count)
                if failing != nil { lines.append("hispay: resolver: resumed") }
                failing = nil
                for resolution in resolutions {
                    guard let failure = resolution.failure else { continue }
                    lines.append("hispay: resolver: \(resolution.merchant)/\(resolution.channel) \(resolution.orderNo) still \(resolution.to.name): \(failure)")
                }
            case .failure(let error):
                Counter(label: "hispay_resolver_failed_rounds_total").increment()
                let reason = "\(error)"
                if reason != failing { lines.append("hispay: resolver: paused: \(reason)") }
                failing = reason
            }
        }
        for line in lines { FileHandle.standardError.write(Data((line + "\n").utf8)) }
    }
}
