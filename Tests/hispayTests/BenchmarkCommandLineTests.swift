import Foundation
import HISPayTestSupport
import Testing

/// `hispay-bench` on tiny inputs (its figures are for `scripts/bench.sh`, not for tests): every
/// workload runs and reports a positive rate, and it writes the inputs the peers read.
@Suite struct BenchmarkCommandLineTests {
    @Test func everyWorkloadRunsAndTheInputsAreWritten() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hispay-bench-test-\(UUID().uuidString)")
        let run = try CommandLineRun(
            ["--out", directory.path, "--rows", "60", "--callbacks", "3"], environment: ["HISPAY_BENCH_SECONDS": "0.01"], program: "hispay-bench")
        #expect(run.status == 0, "\(run.stderr)")
        let results = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("hispay-bench.json"))) as? [[String: Any]])
        let names = Set(results.compactMap { $0["name"] as? String })
        for name in ["crypto.rsa2048.verify", "crypto.sm2.sign", "sign.alipay.rsa2", "sign.unionpay.acp", "callback.wechatpay.v3", "callback.unionpay",
                     "callback.mobilepay", "statement.wechatpay", "statement.alipay", "statement.unionpay.zm"] {
            #expect(names.contains(name), "\(name) missing")
        }
        #expect(results.allSatisfy { ($0["operations"] as? Int ?? 0) > 0 && ($0["seconds"] as? Double ?? 0) > 0 })
        for batch in ["callback.wechatpay.v3", "callback.wechatpay.v2", "callback.alipay", "callback.unionpay"] {
            let lines = try String(contentsOf: directory.appendingPathComponent(batch + ".jsonl"), encoding: .utf8).split(separator: "\n")
            #expect(lines.count == 3, "\(batch)")
        }
        let keys = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("keys.json"))) as? [String: String])
        #expect(keys["sm2PublicHex"]?.count == 128 && keys["alipayPublicKey"]?.hasPrefix("-----BEGIN PUBLIC KEY-----") == true)
        #expect(!run.stdout.contains(keys["wechatApiV3Key"] ?? "?"))  // keys go to the inputs file, never to the output
        try? FileManager.default.removeItem(at: directory)
    }
}
