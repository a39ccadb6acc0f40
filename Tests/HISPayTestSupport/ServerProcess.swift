import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A `hispay` server command (`serve`, `sandbox`) running as a real process on 127.0.0.1: started
/// with its arguments, its URLs read from the `{"listening": …, "internal": …}` line it prints first, killed
/// (SIGKILL) when stopped or deallocated. Its stderr goes to `standardError` when given (a log
/// file the test reads), else to the test's.
package final class ServerProcess: @unchecked Sendable {
    package let url: String
    /// The internal listener's URL (`hispay serve`'s `/events`, `/healthz`, `/readyz`), when it has one.
    package let internalURL: String?
    /// The whole first line the server printed.
    package let startLine: String
    private let process: Process

    package init(_ arguments: [String], environment: [String: String] = [:], standardError: URL? = nil) throws {
        process = Process()
        process.executableURL = CommandLineRun.executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        process.standardOutput = output
        if let standardError {
            _ = FileManager.default.createFile(atPath: standardError.path, contents: nil)
            process.standardError = try FileHandle(forWritingTo: standardError)
        }
        try process.run()
        let line = LoopbackServer.readLine(output.fileHandleForReading)
        guard let range = line.range(of: #""listening":""#), let end = line[range.upperBound...].firstIndex(of: "\"") else {
            kill(process.processIdentifier, SIGKILL)
            throw LoopbackServer.StartError(description: "hispay \(arguments.first ?? "") did not start: \(line)")
        }
        url = String(line[range.upperBound..<end])
        startLine = line
        internalURL = line.range(of: #""internal":""#).flatMap { start in
            line[start.upperBound...].firstIndex(of: "\"").map { String(line[start.upperBound..<$0]) }
        }
    }

    /// Whether the process is still alive.
    package var isRunning: Bool { kill(process.processIdentifier, 0) == 0 && !LoopbackServer.reaped(process) }

    /// Kills the server (SIGKILL, like a crash) and waits until it is gone.
    package func stop() { LoopbackServer.kill(process) }

    deinit { stop() }
}
