import Foundation
import HISPayTestSupport
import Testing

/// `hispay demo`, the README's main command, run as a test: every check it makes holds, and the
/// report it names exists.
@Suite struct DemoCommandLineTests {
    @Test func theDemoDayHoldsEveryCheck() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hispay-demo-test-\(UUID().uuidString)")
        let run = try CommandLineRun(["demo", "--dir", directory.path])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stdout.contains("All 33 checks held"), "\(run.stdout)")
        #expect(run.stdout.contains("a lost answer and a client timeout resolved by query, a lost insurance answer reversed, a duplicated callback recorded once, a refund callback before its payment's, a forged answer and a cut-off bill refused"))
        #expect(run.stdout.contains("channelOnly REG-003") && run.stdout.contains("hisOnly REG-009"))
        #expect(run.stdout.contains("a ¥5000.00 deposit frozen and ¥3210.00 captured"))
        #expect(run.stdout.contains("OPD-002's lost settlement answer reversed and settled again; 3201 totals balanced"))
        #expect(run.stdout.contains("WeChat Pay bill, Alipay archive and UnionPay ZM file against the journal: matched 15"))
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("report/report.json"))) as? [String: Any])
        #expect((report["summary"] as? [String: Int])?["matched"] == 15)
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("report/report.html").path))
    }
}
