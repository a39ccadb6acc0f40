/// The faults waiting for a simulator's next requests: each applies to the next `count` requests
/// whose path starts with its prefix, first injected first.
struct SandboxFaultPlan: Sendable {
    private var waiting: [(prefix: String, fault: SandboxFault, remaining: Int)] = []

    mutating func add(_ fault: SandboxFault, pathPrefix: String, count: Int) {
        waiting.append((pathPrefix, fault, count))
    }

    /// The fault for a request to `path`, used up by taking it.
    mutating func take(_ path: String) -> SandboxFault? {
        guard let index = waiting.firstIndex(where: { path.hasPrefix($0.prefix) && $0.remaining > 0 }) else { return nil }
        waiting[index].remaining -= 1
        let fault = waiting[index].fault
        if waiting[index].remaining == 0 { waiting.remove(at: index) }
        return fault
    }
}
