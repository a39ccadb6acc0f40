import Foundation
import HISPayCore
import HISPayGateway
import Testing

/// The secrets shared with the HIS: read from a file or the environment, refused when weak, compared
/// whole, never shown; the forwarding signature in Stripe's scheme.
@Suite struct SharedSecretTests {
    let secret = "s3cret-internal-token-42"

    @Test func onlyTheExactSharedSecretIsAccepted() throws {
        let token = try SharedSecret(secret)
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
        #expect(try SharedSecret.file(file.path).accepts(authorization: "Bearer " + secret))
        #expect(try SharedSecret.environment("HISPAY_TOKEN", in: ["HISPAY_TOKEN": secret]).accepts(authorization: "Bearer " + secret))

        #expect(throws: ConfigurationError(.fileUnreadable, "")) { try SharedSecret.file(file.path + ".missing") }
        #expect(throws: ConfigurationError(.missingEnvironmentVariable, "")) { try SharedSecret.environment("HISPAY_TOKEN", in: [:]) }
        for weak in ["short", "has a space in it, long enough", "挂号费挂号费挂号费挂号费挂号费挂号费"] {
            do {
                _ = try SharedSecret(weak)
                Issue.record("\(weak) was accepted")
            } catch {
                #expect(error.code == .invalidValue && !error.reason.contains(weak))
            }
        }
        try Data("short\n".utf8).write(to: file)
        do {
            _ = try SharedSecret.file(file.path)
            Issue.record("a short token file was accepted")
        } catch {
            #expect(error.reason.hasPrefix(file.path) && error.reason.contains("at least 16") && !error.reason.contains("short\n"))
        }
    }

    /// `t=<seconds>,v1=<hex HMAC-SHA256 of "<seconds>.<body>">`; the expected hex is Python's
    /// `hmac.new(secret, b"1796400000." + body, hashlib.sha256).hexdigest()`.
    @Test func theForwardingSignatureIsStripesScheme() throws {
        let header = try SharedSecret(secret).signatureHeader(for: Data(#"{"cursor":1}"#.utf8), at: Date(timeIntervalSince1970: 1_796_400_000.9))
        #expect(header == "t=1796400000,v1=755c5bdf7d4def88498a9deebb1d7edb36eb7dc731958f357cf8f94a060d99ee")
    }
}
