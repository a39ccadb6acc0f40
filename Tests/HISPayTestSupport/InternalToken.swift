import Foundation
import HISPayCore

/// The bearer token the tests give `hispay serve`'s internal listener: written once to a file of
/// its own (0600), passed with ``arguments``, presented with ``headers``.
package enum InternalToken {
    package static let value = "hispay-tests-internal-token-0001"

    /// The file holding ``value``.
    package static let file: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hispay-internal-token-\(getpid())").path
        _ = FileManager.default.createFile(atPath: path, contents: Data((value + "\n").utf8), attributes: [.posixPermissions: 0o600])
        return path
    }()

    /// `hispay serve`'s options for an internal listener on a free port with this token.
    package static var arguments: [String] { ["--internal-port", "0", "--internal-token-file", file] }

    /// The `Authorization` header the internal routes require.
    package static var headers: HTTPHeaders { ["Authorization": "Bearer " + value] }
}
