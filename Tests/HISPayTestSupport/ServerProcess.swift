import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A `hispay` server command (`serve`, `sandbox`) running as a real process on 127.0.0.1: started
/// with its arguments, its URL read from the `{"listening": …}` line it prints first, killed
/// (SIGKILL) when stopped or deallocated.
public final class ServerProcess: @unchecked Sendable {
    public let url: String
    private let process: Process

    public init(_ arguments: [String], environment: [String: String] = [:]) throws {
        process = Process()
        process.executableURL = CommandLineRun.executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var bytes: [UInt8] = []
        while let chunk = try? output.fileHandleForReading.read(upToCount: 1), let byte = chunk.first, byte != UInt8(ascii: "\n") {
            bytes.append(byte)
        }
        let line = String(decoding: bytes, as: UTF8.self)
        guard let range = line.range(of: #""listening":""#), let end = line[range.upperBound...].firstIndex(of: "\"") else {
            kill(process.processIdentifier, SIGKILL)
            throw LoopbackServer.StartError(description: "hispay \(arguments.first ?? "") did not start: \(line)")
        }
        url = String(line[range.upperBound..<end])
    }

    /// Whether the process is still alive.
    public var isRunning: Bool { kill(process.processIdentifier, 0) == 0 && !reaped() }

    /// Kills the gateway (SIGKILL, like a crash) and waits until it is gone.
    public func stop() {
        let pid = process.processIdentifier
        guard pid > 0, kill(pid, 0) == 0 else { return }
        kill(pid, SIGKILL)
        for _ in 0..<500 where !reaped() { usleep(10_000) }
    }

    /// Reaps the process if it exited; true once it has.
    private func reaped() -> Bool {
        var status: Int32 = 0
        let pid = process.processIdentifier
        return waitpid(pid, &status, WNOHANG) == pid || kill(pid, 0) != 0
    }

    deinit { stop() }
}
