import Foundation
import NIOSSL
import PostgresNIO

/// How a `postgres://` store location asks for TLS, in libpq's words: `sslmode` (`disable` — the
/// default —, `prefer`, `require`, `verify-ca`, `verify-full`) and `sslrootcert` (a PEM file of the CA
/// certificates to trust, or `system` for the system's). libpq's default is `prefer`, which encrypts
/// when the server offers it but checks nothing, so it protects against no one who can tamper with
/// the connection; HISPay asks for the mode to be named instead (and `prefer` made the test suite's 60
/// stores opening at once time out on the 2-core build machine). As in libpq, `prefer` and `require`
/// check the server's certificate against `sslrootcert` only when one is given; `verify-ca` always
/// checks it and `verify-full` also checks the host name (or, for an address, the certificate's IP
/// address), and both need `sslrootcert`. Over TLS the connection is encrypted through swift-nio-ssl.
struct PostgresTLS {
    /// The `sslmode` values, weakest first.
    enum Mode: String, CaseIterable {
        case disable, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    let mode: Mode
    let rootCertificate: String?

    /// Reads `sslmode` and `sslrootcert` from a store location's query.
    init(_ query: [URLQueryItem]) throws {
        let name = query.first { $0.name == "sslmode" }?.value ?? Mode.disable.rawValue
        guard let mode = Mode(rawValue: name) else {
            throw StoreError(.invalidLocation, "sslmode=\(name) is not one of \(Mode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self.mode = mode
        rootCertificate = query.first { $0.name == "sslrootcert" }?.value
        if rootCertificate == nil, mode == .verifyCA || mode == .verifyFull {
            throw StoreError(.invalidLocation, "sslmode=\(name) needs sslrootcert=PATH (the CA certificates' PEM file) or sslrootcert=system")
        }
    }

    /// The pool's TLS setting for postgres-nio.
    func clientSetting() throws -> PostgresClient.Configuration.TLS {
        guard let tls = try tlsConfiguration() else { return .disable }
        return mode == .prefer ? .prefer(tls) : .require(tls)
    }

    /// The same setting for one connection of postgres-nio's own (see `PostgresBackend.diagnosis`).
    func connectionSetting() throws -> PostgresConnection.Configuration.TLS {
        guard let tls = try tlsConfiguration() else { return .disable }
        let context = try NIOSSLContext(configuration: tls)
        return mode == .prefer ? .prefer(context) : .require(context)
    }

    /// swift-nio-ssl's client configuration for the mode; nil for `disable`.
    private func tlsConfiguration() throws -> TLSConfiguration? {
        guard mode != .disable else { return nil }
        var tls = TLSConfiguration.makeClientConfiguration()
        // How long a closed connection waits for the server's close_notify: a connection abandoned
        // because its server stopped answering keeps its pool slot that long.
        tls.shutdownTimeout = .seconds(1)
        switch rootCertificate {
        case nil:
            tls.certificateVerification = .none
            return tls
        case "system":
            tls.trustRoots = .default
        case let path?:
            tls.trustRoots = .certificates(try Self.certificates(path))
        }
        tls.certificateVerification = mode == .verifyFull ? .fullVerification : .noHostnameVerification
        return tls
    }

    /// Why a TLS handshake failed, in words naming the setting to check; nil when `error` is not a
    /// TLS failure.
    func handshakeFailure(_ error: any Error, host: String) -> String? {
        if let error = error as? NIOSSLExtraError, error == .failedToValidateHostname {
            return "the server's TLS certificate does not name \(host) (sslmode=verify-full)"
        }
        guard let error = error as? NIOSSLError else { return nil }
        if case .handshakeFailed(let reason) = error, "\(reason)".contains("CERTIFICATE_VERIFY_FAILED") {
            return "the server's TLS certificate is not issued by a CA in sslrootcert \(rootCertificate ?? "")"
        }
        return "the TLS handshake failed (sslmode=\(mode.rawValue))"
    }

    /// The certificates of a PEM file, with the file named when it cannot be read.
    private static func certificates(_ path: String) throws -> [NIOSSLCertificate] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StoreError(.invalidLocation, "cannot read sslrootcert \(path)")
        }
        guard let certificates = try? NIOSSLCertificate.fromPEMBytes(Array(data)), !certificates.isEmpty else {
            throw StoreError(.invalidLocation, "sslrootcert \(path) holds no PEM certificate")
        }
        return certificates
    }
}
