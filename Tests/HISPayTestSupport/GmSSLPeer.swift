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
        let run = try CommandLineRun.python([Fixtures.url("nhsa_mobilepay_gmssl.py").path], input: Data(request.jsonText().utf8))
        guard run.status == 0, let value = ConfigValue.decode(Data(run.stdout.utf8)) else {
            let hint =
                run.stderr.contains("No module named 'gmssl'")
                ? " (install it: \(CommandLineRun.pythonInterpreter) -m pip install gmssl==3.2.2, or run scripts/test.sh)" : ""
            throw Failure(description: "the gmssl peer failed\(hint): \(run.stderr.suffix(600))")
        }
        return value
    }
}
