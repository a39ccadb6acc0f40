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
        #expect(run.stdout.contains("All 41 checks held"), "\(run.stdout)")
        #expect(run.stdout.contains("a lost answer and a client timeout resolved by query, a lost insurance answer found by query after a refused reversal, a duplicated callback recorded once, a refund callback before its payment's, a forged answer and a cut-off bill refused"))
        #expect(run.stdout.contains("channelOnly REG-003") && run.stdout.contains("hisOnly REG-009"))
        #expect(run.stdout.contains("a ¥5000.00 deposit frozen and ¥3210.00 captured"))
        #expect(run.stdout.contains("OPD-002's lost answer found by query after a refused reversal; OPD-003 refunded and undone (2208, 2205, 2202); 3201 totals balanced, 3202 detail result 4 rows"))
        #expect(run.stdout.contains("UnionPay ZM file, the NHSA's 3202 result and the hospital card's day against the journal: matched 26"))
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("report/report.json"))) as? [String: Any])
        #expect((report["summary"] as? [String: Int])?["matched"] == 26)
        // The insurance leg reconciled from the platform's 3202 result, all matched: payments 98.72 +
        // 51.90 + 36.00 (fund + account of OPD-001..003), the refund 36.00 (OPD-003's undo).
        let totals = try #require(report["totals"] as? [[String: Any]]).filter { $0["channel"] as? String == "insurance" }
        let amounts = Dictionary(uniqueKeysWithValues: totals.map { ($0["kind"] as? String ?? "", [$0["hisAmount"], $0["channelAmount"], $0["matchedAmount"]].map { $0 as? Int }) })
        #expect(amounts == ["payment": [18_662, 18_662, 18_662], "refund": [3_600, 3_600, 3_600]])
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("report/report.html").path))
        // The hospital card's day beside the insurance's 3201, balanced: 0 + 500.00 − 200.50 + 20.00 − 319.50 = 0.
        let card = try #require((report["platformTotals"] as? [[String: Any]])?.first { $0["channel"] as? String == "hospitalcard" })
        #expect(card["balanced"] as? Bool == true && (card["parts"] as? [String: Int]) == ["opening": 0, "topUps": 50_000, "debits": 20_050, "refunds": 2_000, "withdrawals": 31_950, "closing": 0])
        #expect(run.stdout.contains("Hospital card: C-0001 topped up ¥500.00 by WeChat Pay"))
    }

    /// The README lists the checks as `--list-checks` prints them, and the run counts as many.
    @Test func theReadmeListsEveryCheck() throws {
        let run = try CommandLineRun(["demo", "--list-checks"])
        #expect(run.status == 0)
        let listed = run.stdout.split(separator: "\n")
        #expect(listed.count == 41 && listed.first == "1. REG-001's answer lost (SYSTEM_ERROR): outcome unknown, never re-sent", "\(listed)")
        #expect(try Readme.block("text", after: "hispay demo --list-checks") + "\n" == run.stdout, "README.md's list of the demo's checks differs from hispay demo --list-checks")
    }
}
