import Foundation
import HISPayStore

/// Fresh stores for behaviour tests: a new SQLite file, or a new database on the test PostgreSQL
/// server `scripts/test.sh` starts on 127.0.0.1 (`HISPAY_TEST_POSTGRES_URL`).
package enum TestStores {
    package static func open(_ dialect: SQLDialect) async throws -> SQLPaymentStore {
        try await SQLPaymentStore.open(try await location(dialect))
    }

    /// A location for a new, empty store.
    package static func location(_ dialect: SQLDialect) async throws -> String {
        switch dialect {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hispay-store-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            return "sqlite:" + directory.appendingPathComponent("store.db").path
        case .postgres:
            guard let server = ProcessInfo.processInfo.environment["HISPAY_TEST_POSTGRES_URL"] else {
                throw MissingServer()
            }
            let name = "hispay_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            let admin = try await PostgresBackend.open(url: server)
            // CREATE DATABASE cannot run inside a transaction block: end the store's BEGIN first.
            try await admin.transaction { db in
                try await db.query("COMMIT", [])
                try await db.query("CREATE DATABASE \(name)", [])
                try await db.query("BEGIN", [])
            }
            try await admin.close()
            guard let base = server.range(of: "/", options: .backwards) else { throw MissingServer() }
            return String(server[..<base.lowerBound]) + "/" + name
        }
    }

    package struct MissingServer: Error, CustomStringConvertible {
        package init() {}

        package var description: String {
            "HISPAY_TEST_POSTGRES_URL is not set: run the suite with scripts/test.sh, which starts PostgreSQL on 127.0.0.1"
        }
    }
}
