import Foundation
import HISPayStore
import HISPayTestSupport
import Testing

/// Issue 23: TLS to PostgreSQL as libpq's `sslmode` and `sslrootcert` ask for it. The test server
/// (`scripts/postgres.sh`) serves TLS with `Fixtures/tls/server.pem` (CN and IP SAN 127.0.0.1, issued by
/// `Fixtures/tls/ca.pem`), and its role `hispay_tls` may connect only over TLS (`hostssl` in pg_hba.conf).
/// The modes and their meaning are libpq's: https://www.postgresql.org/docs/current/libpq-ssl.html
/// (table 32.1, "SSL Mode Descriptions"; `sslrootcert=system` since PostgreSQL 16).
@Suite struct PostgresTLSTests {
    /// `postgres://ROLE@127.0.0.1:PORT/postgres?connect_timeout=3` on the test server, and `extra`.
    func url(_ extra: String, role: String = "hispay_tls") throws -> String {
        let server = try #require(ProcessInfo.processInfo.environment["HISPAY_TEST_POSTGRES_URL"], "\(TestStores.MissingServer())")
        let components = try #require(URLComponents(string: server))
        return "postgres://\(role)@\(components.host ?? "127.0.0.1"):\(components.port ?? 5432)/postgres?connect_timeout=3" + extra
    }

    static var ca: String { Fixtures.url("tls").appendingPathComponent("ca.pem").path }
    static var rogueCA: String { Fixtures.url("tls").appendingPathComponent("rogue-ca.pem").path }

    /// The TLS version of the store's own connection, from the server's `pg_stat_ssl` (nil: not TLS).
    func tlsVersion(_ url: String) async throws -> String? {
        let backend = try await PostgresBackend.open(url: url)
        defer { Task { try await backend.close() } }
        let rows = try await backend.read("SELECT CASE WHEN ssl THEN version END AS version FROM pg_stat_ssl WHERE pid = pg_backend_pid()", [])
        guard case .text(let version)? = rows.first?["version"] else { return nil }
        return version
    }

    /// The store error `open` throws for `url` (nil when it connects).
    func refusal(_ url: String) async -> StoreError? {
        do {
            try await PostgresBackend.open(url: url).close()
            return nil
        } catch {
            return error as? StoreError ?? StoreError(.queryFailed, "not a StoreError: \(error)")
        }
    }

    @Test func verifyFullWithTheServersCAConnectsOverTLS() async throws {
        #expect(try await tlsVersion(try url("&sslmode=verify-full&sslrootcert=" + Self.ca))?.hasPrefix("TLSv1.") == true)
        #expect(try await tlsVersion(try url("&sslmode=verify-ca&sslrootcert=" + Self.ca)) != nil)
        #expect(try await tlsVersion(try url("&sslmode=require")) != nil)  // encrypted, the certificate unchecked (as libpq)
        #expect(try await tlsVersion(try url("&sslmode=prefer", role: "hispay")) != nil)  // TLS when the server offers it
        #expect(try await tlsVersion(try url("&sslmode=disable", role: "hispay")) == nil)
        #expect(try await tlsVersion(try url("", role: "hispay")) == nil)  // the default: only when asked for
    }

    @Test func aServerCertificateFromAnotherCAOrAnotherNameIsRefused() async throws {
        let rogue = await refusal(try url("&sslmode=verify-full&sslrootcert=" + Self.rogueCA))
        #expect(rogue?.code == .unavailable && rogue?.reason.contains("certificate") == true, "\(rogue?.reason ?? "connected")")
        #expect(rogue?.reason.contains("NIOSSL") == false && rogue?.reason.contains("BoringSSL") == false, "\(rogue?.reason ?? "")")
        // require with a CA file checks the chain too (libpq: "as verify-ca" when a root certificate is given).
        #expect(await refusal(try url("&sslmode=require&sslrootcert=" + Self.rogueCA))?.code == .unavailable)
        // verify-full checks the name asked for against the certificate's: by DNS name (localhost) as well as by address.
        let other = try url("&sslmode=verify-full&sslrootcert=" + Self.ca).replacingOccurrences(of: "@127.0.0.1:", with: "@localhost:")
        #expect(await refusal(other) == nil)
    }

    @Test func aBadModeOrAMissingCAFileIsNamed() async throws {
        let mode = await refusal(try url("&sslmode=verify"))
        #expect(mode?.code == .invalidLocation && mode?.reason.contains("verify-full") == true)
        let bare = await refusal(try url("&sslmode=verify-full"))
        #expect(bare?.code == .invalidLocation && bare?.reason.contains("sslrootcert") == true)
        let missing = await refusal(try url("&sslmode=verify-full&sslrootcert=/nonexistent/ca.pem"))
        #expect(missing?.code == .invalidLocation && missing?.reason.contains("/nonexistent/ca.pem") == true)
        let notPEM = await refusal(try url("&sslmode=verify-full&sslrootcert=" + Fixtures.url("tls").appendingPathComponent("make-tls-fixtures.sh").path))
        #expect(notPEM?.code == .invalidLocation && notPEM?.reason.contains("no PEM certificate") == true)
        // Without TLS the TLS-only role is refused by the server.
        let plain = await refusal(try url("&sslmode=disable"))
        #expect(plain?.code == .unavailable && plain?.reason.contains("pg_hba.conf rejects connection") == true, "\(plain?.reason ?? "connected")")
    }
}
