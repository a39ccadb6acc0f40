import Foundation
import Logging
import PostgresNIO

/// PostgreSQL, for hospital groups whose HIS nodes share one database: a connection pool, each
/// transaction on one leased connection. Statements are the store's `?` form with the placeholders
/// numbered (`$1`, `$2`, …) on the way out.
package final class PostgresBackend: SQLBackend {
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let logger: Logger
    private let leaseTimeout: Duration

    package var dialect: SQLDialect { .postgres }

    private init(client: PostgresClient, logger: Logger, leaseTimeout: Duration) {
        self.client = client
        self.logger = logger
        self.leaseTimeout = leaseTimeout
        runner = Task { await client.run() }
    }

    /// Connects to `postgres://user@host:port/database[?connect_timeout=SECONDS&password_file=PATH&sslmode=verify-full&sslrootcert=PATH]`
    /// (TLS as libpq's `sslmode` and `sslrootcert` say: ``PostgresTLS``) and checks the server answers within the timeout
    /// (default 10 s), which also bounds each later wait for a connection. The password is the first
    /// line of `password_file`, or the environment variable `password_env` names, or `PGPASSWORD`
    /// (libpq's), or — visible to `ps`, so only for tests — the URL's own `user:password@`.
    package static func open(
        url: String, environment: [String: String] = ProcessInfo.processInfo.environment, logger: Logger = PostgresBackend.quietLogger
    ) async throws -> PostgresBackend {
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme ?? ""),
            let host = components.host, !host.isEmpty, let user = components.user, !user.isEmpty
        else {
            throw StoreError(.invalidLocation, "a PostgreSQL store is postgres://user@host[:port]/database[?password_file=PATH]")
        }
        let database = String(components.path.drop { $0 == "/" })
        let tls = try PostgresTLS(components.queryItems ?? [])
        let port = components.port ?? 5432
        let password = try password(components, environment)
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: user, password: password, database: database.isEmpty ? nil : database, tls: try tls.clientSetting())
        let timeout = Duration.seconds(components.queryItems?.first { $0.name == "connect_timeout" }?.value.flatMap(Int.init) ?? 10)
        configuration.options.connectTimeout = timeout
        let backend = PostgresBackend(client: PostgresClient(configuration: configuration, backgroundLogger: logger), logger: logger, leaseTimeout: timeout)
        do {
            // The pool retries a refused connection on its own; the transaction's deadline bounds the wait.
            try await backend.transaction { db in try await db.query("SELECT 1", []) }
        } catch {
            backend.runner.cancel()
            // The pool retried until the deadline and says only that: one connection of its own tells why.
            let connection = PostgresConnection.Configuration(
                host: host, port: port, username: user, password: password, database: database.isEmpty ? nil : database, tls: try tls.connectionSetting())
            throw StoreError(.unavailable, "PostgreSQL at \(host):\(port) could not be reached: \(await diagnosis(connection, tls: tls, host: host, logger: logger))")
        }
        return backend
    }

    /// Why a connection as `configuration` describes fails, in words that name what to check — the
    /// server's own message (a refused password or pg_hba.conf line), the TLS setting, or the address
    /// — never a password and never postgres-nio's or swift-nio-ssl's descriptions.
    private static func diagnosis(_ configuration: PostgresConnection.Configuration, tls: PostgresTLS, host: String, logger: Logger) async -> String {
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
            try? await connection.close()
            return "it did not answer in time"
        } catch let error as PSQLError {
            if error.code == .server, let message = error.serverInfo?[.message] { return "the server refused the connection: \(message)" }
            if error.code == .sslUnsupported { return "the server does not offer TLS (sslmode=\(tls.mode.rawValue))" }
            if error.code == .authMechanismRequiresPassword { return "the server asks for a password: give password_file, password_env or PGPASSWORD" }
            if let underlying = error.underlying, let failure = tls.handshakeFailure(underlying, host: host) { return failure }
            return "no connection (\(error.code))"
        } catch {
            return tls.handshakeFailure(error, host: host) ?? "no connection (\(type(of: error)))"
        }
    }

    /// `host:port/database` of a store location, without its user, password or options: for messages.
    package static func displayName(_ url: String) -> String {
        guard let components = URLComponents(string: url), let host = components.host else { return "the location given" }
        return "\(host):\(components.port ?? 5432)\(components.path)"
    }

    /// The password `components` point to (see ``open(url:environment:logger:)``), never shown in an error.
    static func password(_ components: URLComponents, _ environment: [String: String]) throws -> String? {
        let query = components.queryItems ?? []
        if let path = query.first(where: { $0.name == "password_file" })?.value {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw StoreError(.invalidLocation, "cannot read the PostgreSQL password file \(path)")
            }
            let line = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            guard !line.isEmpty else { throw StoreError(.invalidLocation, "the PostgreSQL password file \(path) is empty") }
            return line
        }
        if let name = query.first(where: { $0.name == "password_env" })?.value {
            guard let value = environment[name], !value.isEmpty else {
                throw StoreError(.invalidLocation, "the environment variable \(name) (the PostgreSQL password) is not set")
            }
            return value
        }
        if let value = environment["PGPASSWORD"], !value.isEmpty { return value }
        return components.password
    }

    /// The default logger: the pool's connection retries are not worth a line each.
    package static var quietLogger: Logger {
        var logger = Logger(label: "hispay.store.postgres")
        logger.logLevel = .warning
        return logger
    }

    /// Runs `body` in one transaction on a leased connection, within deadlines the gateway's fault test
    /// showed are needed. While the server is down the pool keeps retrying and a lease would wait for
    /// ever (every callback hung), so waiting for a connection ends after the connect timeout. A query
    /// sent as the server dies may never be answered, so a transaction still running after three
    /// timeouts is abandoned and its connection closed. Either ends in
    /// ``StoreError/Code/unavailable`` (a callback is then refused, for its channel to retry). Closing
    /// the connection fails the query that hung, which hands the pool slot back: 50 transactions hung
    /// at once leave the store serving (`PostgresOutageTests.abandonedTransactionsGiveTheirPoolSlotsBack`,
    /// which fails when the connection is left open).
    @discardableResult
    package func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        try await lease(body, inTransaction: true)
    }

    /// One statement on a leased connection, under the same deadlines, without `BEGIN` and `COMMIT`
    /// (a statement is its own snapshot; the two saved two round trips per look-up).
    package func read(_ sql: String, _ binds: [SQLValue]) async throws -> [[String: SQLValue]] {
        try await lease({ try await $0.query(sql, binds) }, inTransaction: false)
    }

    private func lease<T: Sendable>(_ body: @escaping @Sendable (any SQLExecutor) async throws -> T, inTransaction: Bool) async throws -> T {
        let (client, logger, timeout) = (client, logger, leaseTimeout)
        return try await withCheckedThrowingContinuation { continuation in
            let outcome = TransactionOutcome(continuation)
            let work = Task {
                let result: Result<T, any Error>
                do {
                    result = .success(try await client.withConnection { connection in
                        guard outcome.hold(connection) else { throw CancellationError() }
                        defer { outcome.release() }
                        do {
                            guard inTransaction else { return try await body(Executor(connection: connection, logger: logger)) }
                            return try await Self.run(body, on: connection, logger: logger)
                        } catch {
                            // An abandoned transaction's connection is being closed — over TLS that
                            // waits for the server's close_notify, which a hung server never sends —
                            // and the pool would hand it out meanwhile: it goes back only once closed.
                            if outcome.isAbandoned { try? await connection.closeFuture.get() }
                            throw error
                        }
                    })
                } catch {
                    result = .failure(error)
                }
                outcome.decide(result)
            }
            outcome.watch(Task {
                try await Task.sleep(for: timeout)
                if outcome.expire(StoreError(.unavailable, "no PostgreSQL connection within \(timeout)")) {
                    work.cancel()  // withdraws the lease request
                    return
                }
                try await Task.sleep(for: timeout * 2)
                let abandoned = StoreError(.unavailable, "the PostgreSQL transaction did not finish within \(timeout * 3)")
                guard let connection = outcome.abandon(abandoned) else { return }
                logger.error("a PostgreSQL transaction did not finish within \(timeout * 3): its connection is closed and the transaction abandoned")
                try? await connection.close()
            })
        }
    }

    private static func run<T: Sendable>(_ body: (any SQLExecutor) async throws -> T, on connection: PostgresConnection, logger: Logger) async throws -> T {
        let executor = Executor(connection: connection, logger: logger)
        try await executor.query("BEGIN", [])
        do {
            let value = try await body(executor)
            try await executor.query("COMMIT", [])
            return value
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }

    package func close() async throws { runner.cancel() }

    private struct Executor: SQLExecutor {
        let connection: PostgresConnection
        let logger: Logger

        @discardableResult
        func query(_ sql: String, _ binds: [SQLValue]) async throws -> [[String: SQLValue]] {
            var bindings = PostgresBindings()
            for value in binds {
                switch value {
                case .integer(let integer): bindings.append(integer)
                case .text(let text): bindings.append(text)
                case .null: bindings.appendNull()
                }
            }
            do {
                var rows: [[String: SQLValue]] = []
                for try await row in try await connection.query(PostgresQuery(unsafeSQL: Self.numbered(sql), binds: bindings), logger: logger) {
                    var values: [String: SQLValue] = [:]
                    for cell in row { values[cell.columnName] = try Self.value(cell) }
                    rows.append(values)
                }
                return rows
            } catch let error as StoreError {
                throw error
            } catch {
                throw StoreError(.queryFailed, "PostgreSQL: \(String(reflecting: error))")
            }
        }

        /// `?` → `$1`, `$2`, … (the store's statements have no `?` inside literals).
        static func numbered(_ sql: String) -> String {
            var result = ""
            var index = 0
            for character in sql {
                if character == "?" {
                    index += 1
                    result += "$\(index)"
                } else {
                    result.append(character)
                }
            }
            return result
        }

        static func value(_ cell: PostgresCell) throws -> SQLValue {
            guard cell.bytes != nil else { return .null }
            switch cell.dataType {
            case .int8, .int4, .int2: return .integer(try cell.decode(Int64.self))
            default: return .text(try cell.decode(String.self))
            }
        }
    }
}
