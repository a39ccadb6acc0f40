import Foundation

/// Runs the built `hispay` executable — or another of the package's, e.g. `hispay-bench` — from the
/// same build directory as the tests and captures its exit status, stdout and stderr.
package struct CommandLineRun: Sendable {
    package let status: Int32
    package let stdout: String
    package let stderr: String

    /// The build products directory holding the test bundle and the `hispay` executable.
    package static var executable: URL {
        Bundle.module.bundleURL.deletingLastPathComponent().appendingPathComponent("hispay")
    }

    package init(_ arguments: [String], environment: [String: String] = [:], program: String = "hispay") throws {
        let process = Process()
        process.executableURL = CommandLineRun.executable.deletingLastPathComponent().appendingPathComponent(program)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        status = process.terminationStatus
        stdout = String(decoding: outData, as: UTF8.self)
        stderr = String(decoding: errData, as: UTF8.self)
    }
}
