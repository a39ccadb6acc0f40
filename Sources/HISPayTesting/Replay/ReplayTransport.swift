import HISPayCore
import Synchronization

/// Serves a cassette's recorded responses. Each interaction is served once, in any order; a request
/// that matches none fails loudly with ``CassetteError/Code/unmatchedRequest``, naming the closest
/// recorded request and how it differs.
public final class ReplayTransport: HTTPTransport {
    public let cassette: Cassette
    private let matcher: any RequestMatcher
    private let redactor: Redactor
    private let used: Mutex<[Bool]>

    /// Replays `cassette`. Live requests are redacted with `redactor` (the one used to record)
    /// before matching, so placeholders compare equal.
    public init(cassette: Cassette, matcher: any RequestMatcher = ExactRequestMatcher(), redactor: Redactor = .standard) {
        self.cassette = cassette
        self.matcher = matcher
        self.redactor = redactor
        self.used = Mutex([Bool](repeating: false, count: cassette.interactions.count))
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let actual = redactor.redact(request)
        let interactions = cassette.interactions
        return try used.withLock { used in
            var closest: (index: Int, differences: [String])? = nil
            for (index, interaction) in interactions.enumerated() where !used[index] {
                let differences = matcher.differences(recorded: interaction.request, actual: actual)
                if differences.isEmpty {
                    used[index] = true
                    return interaction.response.httpResponse
                }
                if differences.count < closest?.differences.count ?? Int.max {
                    closest = (index, differences)
                }
            }
            let what = "\(actual.method) \(actual.url)"
            guard let closest else {
                throw CassetteError(
                    .unmatchedRequest,
                    "cassette \(cassette.name): no unused interaction left for \(what) (\(interactions.count) recorded)")
            }
            let near = interactions[closest.index].request
            throw CassetteError(
                .unmatchedRequest,
                "cassette \(cassette.name): \(what) matches no recorded request; closest is #\(closest.index) "
                    + "\(near.method) \(near.url): \(closest.differences.joined(separator: "; "))")
        }
    }

    /// Throws ``CassetteError/Code/unusedInteractions`` if some recorded interactions were never requested.
    public func verifyAllUsed() throws {
        let unused = used.withLock { used in used.indices.filter { !used[$0] } }
        guard unused.isEmpty else {
            let list = unused.map { "#\($0) \(cassette.interactions[$0].request.method) \(cassette.interactions[$0].request.url)" }
            throw CassetteError(.unusedInteractions, "cassette \(cassette.name): never requested: \(list.joined(separator: ", "))")
        }
    }
}
