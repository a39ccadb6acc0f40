import Foundation
import HISPayCore

/// The second implementation of the NHSA mobile-payment envelope (`Fixtures/nhsa_mobilepay_gmssl.py`,
/// Python gmssl), run as a process: one JSON request on its stdin, one JSON answer on its stdout.
/// The interpreter is `HISPAY_TEST_PYTHON` (scripts/test.sh makes a venv with gmssl 3.2.2), else
/// `python3`; without gmssl it fails with the command that installs it.
package enum GmSSLPeer {
    package struct Failure: Error, CustomStringConvertible {
        package let description: String
    }

    package static func run(_ request: ConfigValue) throws -> ConfigValue {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let python = ProcessInfo.processInfo.environment["HISPAY_TEST_PYTHON"] ?? "python3"
        process.arguments = [python, Fixtures.url("nhsa_mobilepay_gmssl.py").path]
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(request.jsonText().utf8))
        try input.fileHandleForWriting.close()
        let answer = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, let value = ConfigValue.decode(answer) else {
            let hint = stderr.contains("No module named 'gmssl'") ? " (install it: \(python) -m pip install gmssl==3.2.2, or run scripts/test.sh)" : ""
            throw Failure(description: "the gmssl peer failed\(hint): \(stderr.suffix(600))")
        }
        return value
    }
}
