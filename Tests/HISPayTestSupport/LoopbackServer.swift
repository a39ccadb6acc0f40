import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real HTTP(S) server process on 127.0.0.1 for transport tests (`Fixtures/loopback_server.py`).
/// It binds a free loopback port and stops when this object is stopped or deallocated.
package final class LoopbackServer: @unchecked Sendable {
    package let port: Int
    package let scheme: String
    private let process: Process

    /// TLS options: the server certificate from `Fixtures/tls`, optionally requiring client
    /// certificates issued by the test CA.
    package enum Mode: Sendable {
        case http
        case https
        case mutualTLS
    }

    package init(_ mode: Mode = .http) throws {
        let tls = Fixtures.url("tls")
        var arguments = [Fixtures.url("loopback_server.py").path]
        if mode != .http {
            arguments += ["--cert", tls.appendingPathComponent("server.pem").path, "--key", tls.appendingPathComponent("server.key").path]
        }
        if mode == .mutualTLS {
            arguments += ["--client-ca", tls.appendingPathComponent("ca.pem").path]
        }
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let line = LoopbackServer.readLine(output.fileHandleForReading)
        guard line.hasPrefix("PORT "), let port = Int(line.dropFirst(5)) else {
            process.terminate()
            throw StartError(description: "loopback server did not start (is python3 installed?): \(line)")
        }
        self.port = port
        self.scheme = mode == .http ? "http" : "https"
    }

    /// The server process did not report its port.
    package struct StartError: Error, CustomStringConvertible {
        package let description: String
    }

    /// `scheme://127.0.0.1:port` + `path`.
    package func url(_ path: String) -> String { "\(scheme)://127.0.0.1:\(port)\(path)" }

    /// Kills the server and waits (up to 5 s) until it is gone, so its port is closed.
    package func stop() { Self.kill(process) }

    deinit { stop() }

    /// SIGKILLs `process` (like a crash) and waits up to 5 s until it is reaped.
    static func kill(_ process: Process) {
        let pid = process.processIdentifier
        guard pid > 0, Glibc.kill(pid, 0) == 0 else { return }
        Glibc.kill(pid, SIGKILL)
        for _ in 0..<500 where !reaped(process) { usleep(10_000) }
    }

    /// Reaps `process` if it exited; true once it has.
    static func reaped(_ process: Process) -> Bool {
        var status: Int32 = 0
        let pid = process.processIdentifier
        return waitpid(pid, &status, WNOHANG) == pid || Glibc.kill(pid, 0) != 0
    }

    /// The first line a child process prints (without its newline), read byte by byte so nothing
    /// after it is consumed.
    static func readLine(_ handle: FileHandle) -> String {
        var bytes: [UInt8] = []
        while let chunk = try? handle.read(upToCount: 1), let byte = chunk.first, byte != UInt8(ascii: "\n") {
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
