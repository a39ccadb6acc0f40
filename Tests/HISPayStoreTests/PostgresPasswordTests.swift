import Foundation
import HISPayStore
import HISPayTestSupport
import Testing

/// Issue 23: a PostgreSQL password never needs to be on the command line (where `ps` shows it): it
/// comes from a file (`?password_file=`), a named environment variable (`?password_env=`) or libpq's
/// `PGPASSWORD`. `scripts/postgres.sh` makes one role, `hispay_password`, that must give its password.
@Suite struct PostgresPasswordTests {
    static let password = "hispay-test-password"

    /// `postgres://hispay_password@HOST:PORT/postgres` on the test server.
    func url() throws -> String {
        let server = try #require(ProcessInfo.processInfo.environment["HISPAY_TEST_POSTGRES_URL"], "\(TestStores.MissingServer())")
        let components = try #require(URLComponents(string: server))
        return "postgres://hispay_password@\(components.host ?? "127.0.0.1"):\(components.port ?? 5432)/postgres?connect_timeout=5"
    }

    func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pg-password-\(UUID().uuidString)").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]))
        return path
    }

    func connects(_ url: String, _ environment: [String: String] = [:]) async throws {
        let backend = try await PostgresBackend.open(url: url, environment: environment)
        let rows = try await backend.read("SELECT current_user AS name", [])
        #expect(rows.first?["name"] == .text("hispay_password"))
        try await backend.close()
    }

    @Test func thePasswordComesFromAFileAnEnvironmentVariableOrPGPASSWORD() async throws {
        try await connects(try url() + "&password_file=" + (try file(Self.password + "\nignored second line\n")))
        try await connects(try url() + "&password_env=HISPAY_PG_PASSWORD", ["HISPAY_PG_PASSWORD": Self.password])
        try await connects(try url(), ["PGPASSWORD": Self.password])
    }

    @Test func aWrongOrMissingPasswordIsATypedErrorThatNeverShowsIt() async throws {
        /// The store error `open` throws for `url` (nil when it connects).
        func refusal(_ url: String, _ environment: [String: String] = [:]) async throws -> StoreError? {
            do {
                try await PostgresBackend.open(url: url, environment: environment).close()
                return nil
            } catch let error as StoreError {
                #expect(!error.reason.contains(Self.password) && !error.reason.contains("not-the-password"))
                return error
            }
        }
        let wrong = try await refusal(try url() + "&password_file=" + (try file("not-the-password\n")))
        #expect(wrong?.code == .unavailable && wrong?.reason.contains("password authentication failed") == true, "\(wrong?.reason ?? "connected")")
        let missing = "/nonexistent/pg-password"
        let unreadable = try await refusal(try url() + "&password_file=" + missing, ["PGPASSWORD": Self.password])
        #expect(unreadable?.code == .invalidLocation && unreadable?.reason.contains(missing) == true)
        let unset = try await refusal(try url() + "&password_env=HISPAY_UNSET_VARIABLE")
        #expect(unset?.code == .invalidLocation && unset?.reason.contains("HISPAY_UNSET_VARIABLE") == true)
        #expect(try await refusal(try url() + "&password_file=" + (try file("\n")))?.code == .invalidLocation)
    }
}
