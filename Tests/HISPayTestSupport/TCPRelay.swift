import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real relay process on 127.0.0.1 (`Fixtures/tcp_relay.py`) in front of a loopback server, so a
/// test can take the server away under a client: ``goDown()`` closes every connection and stops
/// listening; ``goSilent()`` keeps the connections but forwards nothing more.
package final class TCPRelay: @unchecked Sendable {
    package let port: Int
    private let process: Process
    private let commands: FileHandle
    private let answers: FileHandle

    /// Starts relaying to `127.0.0.1:target`.
    package init(to target: Int) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Fixtures.url("tcp_relay.py").path, String(target)]
        let output = Pipe(), input = Pipe()
        process.standardOutput = output
        process.standardInput = input
        try process.run()
        commands = input.fileHandleForWriting
        answers = output.fileHandleForReading
        let line = LoopbackServer.readLine(answers)
        guard line.hasPrefix("PORT "), let port = Int(line.dropFirst(5)) else {
            LoopbackServer.kill(process)
            throw LoopbackServer.StartError(description: "TCP relay did not start: \(line)")
        }
        self.port = port
    }

    /// As a server that went down: connections closed, new ones refused.
    package func goDown() { command("down") }

    /// As a server that died without closing its sockets: nothing more is answered.
    package func goSilent() { command("silent") }

    /// As sessions stuck on a server that otherwise works: the connections open now answer nothing
    /// more; new ones are relayed as before.
    package func hangOpenConnections() { command("hang") }

    /// Sends `name` and waits for the relay's "OK".
    private func command(_ name: String) {
        commands.write(Data((name + "\n").utf8))
        _ = LoopbackServer.readLine(answers)
    }

    deinit { LoopbackServer.kill(process) }
}
