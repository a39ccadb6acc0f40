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
        try self.init(executable: CommandLineRun.executable.deletingLastPathComponent().appendingPathComponent(program), arguments, environment: environment)
    }

    /// Runs any program at `executable`, with `input` on its stdin.
    package init(executable: URL, _ arguments: [String], environment: [String: String] = [:], input: Data? = nil) throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        let err = Pipe()
        let stdin = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(input) }
        try stdin.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        status = process.terminationStatus
        stdout = String(decoding: outData, as: UTF8.self)
        stderr = String(decoding: errData, as: UTF8.self)
    }

    /// The Python interpreter the tests run: `HISPAY_TEST_PYTHON` when set (the test venv, with
    /// gmssl), else the `python3` on the path.
    package static var pythonInterpreter: String { ProcessInfo.processInfo.environment["HISPAY_TEST_PYTHON"] ?? "python3" }

    /// Runs ``pythonInterpreter`` with `arguments` (a script's path, or `-c` and its source) and
    /// `input` on its stdin.
    package static func python(_ arguments: [String], input: Data? = nil) throws -> CommandLineRun {
        try CommandLineRun(executable: URL(fileURLWithPath: "/usr/bin/env"), [pythonInterpreter] + arguments, input: input)
    }
}
