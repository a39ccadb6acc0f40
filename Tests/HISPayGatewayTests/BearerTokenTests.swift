import Foundation
import HISPayCore
import HISPayGateway
import Testing

/// The internal listener's credential: read from a file or the environment, refused when weak,
/// compared whole, never shown.
@Suite struct BearerTokenTests {
    let secret = "s3cret-internal-token-42"

    @Test func onlyTheExactBearerTokenIsAccepted() throws {
        let token = try BearerToken(secret)
        #expect(token.accepts(authorization: "Bearer " + secret))
        #expect(token.accepts(authorization: "bearer " + secret))  // the scheme is case-insensitive (RFC 9110 §11.1)
        for refused in [nil, "", "Bearer", "Bearer ", secret, "Basic " + secret, "Bearer " + secret + "x", "Bearer " + secret.dropLast(), "Bearer  " + secret] {
            #expect(!token.accepts(authorization: refused.map { String($0) }), "\(refused ?? "nil")")
        }
        #expect(!"\(token)".contains(secret) && !String(reflecting: token).contains(secret))
    }

    @Test func readFromAFileOrTheEnvironmentAndRefusedWhenWeak() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("token-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("\(secret)  \nsecond line\n".utf8).write(to: file)
        #expect(try BearerToken.file(file.path).accepts(authorization: "Bearer " + secret))
        #expect(try BearerToken.environment("HISPAY_TOKEN", in: ["HISPAY_TOKEN": secret]).accepts(authorization: "Bearer " + secret))

        #expect(throws: ConfigurationError(.fileUnreadable, "")) { try BearerToken.file(file.path + ".missing") }
        #expect(throws: ConfigurationError(.missingEnvironmentVariable, "")) { try BearerToken.environment("HISPAY_TOKEN", in: [:]) }
        for weak in ["short", "has a space in it, long enough", "挂号费挂号费挂号费挂号费挂号费挂号费"] {
            do {
                _ = try BearerToken(weak)
                Issue.record("\(weak) was accepted")
            } catch {
                #expect(error.code == .invalidValue && !error.reason.contains(weak))
            }
        }
        try Data("short\n".utf8).write(to: file)
        do {
            _ = try BearerToken.file(file.path)
            Issue.record("a short token file was accepted")
        } catch {
            #expect(error.reason.hasPrefix(file.path) && error.reason.contains("at least 16") && !error.reason.contains("short\n"))
        }
    }
}
