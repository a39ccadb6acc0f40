import HISPayCore
import Foundation
import Synchronization

/// Wraps a real transport and records every exchange, redacted, for a cassette.
public final class RecordingTransport: HTTPTransport {
    private let upstream: any HTTPTransport
    private let redactor: Redactor
    private let matcher: any RequestMatcher
    private let recorded: Mutex<[Cassette.Interaction]>

    /// Records what `upstream` sends and receives. `matcher` annotates each request (e.g. with its
    /// string-to-sign) so the same matcher can replay it.
    public init(wrapping upstream: any HTTPTransport, redactor: Redactor = .standard, matcher: any RequestMatcher = ExactRequestMatcher()) {
        self.upstream = upstream
        self.redactor = redactor
        self.matcher = matcher
        self.recorded = Mutex([])
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let response = try await upstream.send(request)
        var entry = redactor.redact(request)
        matcher.annotate(&entry)
        let interaction = Cassette.Interaction(request: entry, response: redactor.redact(response))
        recorded.withLock { $0.append(interaction) }
        return response
    }

    /// The cassette recorded so far. Throws ``CassetteError/Code/secretNotRedacted`` when any
    /// configured secret still appears in it.
    public func cassette(name: String, recordedAt: String? = nil) throws -> Cassette {
        let cassette = Cassette(name: name, recordedAt: recordedAt, interactions: recorded.withLock { $0 })
        var parts: [String] = []
        for interaction in cassette.interactions {
            parts.append(interaction.request.url)
            parts.append(interaction.request.stringToSign ?? "")
            for header in interaction.request.headers + interaction.response.headers { parts += header }
            for body in [interaction.request.body, interaction.response.body] {
                parts.append(String(decoding: body?.data ?? Data(), as: UTF8.self))
            }
        }
        let text = parts.joined(separator: "\n")
        let leaked = redactor.leakedSecrets(in: text)
        guard leaked.isEmpty else {
            throw CassetteError(.secretNotRedacted, "cassette \(name) would contain the secrets \(leaked.joined(separator: ", "))")
        }
        return cassette
    }
}
