import Foundation
import HISPay
import HISPayTestSupport
import Testing

/// The CLI contract: JSON on stdout, one-line reasons on stderr, non-zero exits on refusal.
@Suite(.serialized) struct CommandLineTests {
    private func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    private func writeConfig(_ text: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hispay-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent("hispay.json")
        try Data(text.utf8).write(to: url)
        return url
    }

    @Test func executableIsBuilt() {
        #expect(FileManager.default.isExecutableFile(atPath: CommandLineRun.executable.path),
                "build the package (swift build) before running the tests")
    }

    @Test func versionAndHelp() throws {
        let version = try CommandLineRun(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == HISPayVersion.string)
        for command in [[], ["self-check"], ["config-check"]] {
            let help = try CommandLineRun(command + ["--help"])
            #expect(help.status == 0)
            #expect(help.stdout.contains("USAGE"))
            if !command.isEmpty { #expect(help.stdout.contains("--config") && help.stdout.contains("--merchant")) }
        }
    }

    @Test func selfCheckPassesAndReportsEveryCheck() throws {
        let run = try CommandLineRun(["self-check"])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try json(run.stdout)
        #expect(report["ok"] as? Bool == true)
        #expect(report["version"] as? String == HISPayVersion.string)
        let names = (report["checks"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(names == [
            "sm3.gbt32905", "sm4.gbt32907", "sm2.gbt32918", "rsa.sha256", "aes256gcm.wechatpay", "hmacsha256.wechatpay-v2",
            "transport.loopback", "transport.refused",
        ])
    }

    /// A configuration with problems (issue 24: `mchid` for `mchId`, a key file that is not there):
    /// config-check lists the merchants and every problem, exits non-zero, and prints no value.
    @Test func configCheckListsMerchantsAndProblemsWithoutPrintingSecrets() throws {
        let secret = "SecretApiV3Key0123456789abcdefXY"
        let url = try writeConfig(
            """
            {"transport": {"proxy": "direct", "timeoutSeconds": 20},
             "merchants": [{"name": "main-campus", "wechatpay": {"mchid": "1900000001", "apiV3Key": "env:HISPAY_TEST_V3KEY"}},
                           {"name": "east-campus", "alipay": {"appId": "2021000000000001", "privateKey": "keys/alipay_app_key.pem"}}]}
            """)
        let run = try CommandLineRun(["config-check", "--config", url.path, "--merchant", "east-campus"], environment: ["HISPAY_TEST_V3KEY": secret])
        #expect(run.status != 0, "\(run.stderr)")
        let report = try json(run.stdout)
        #expect(report["ok"] as? Bool == false)
        #expect(report["selected"] as? String == "east-campus")
        #expect((report["merchants"] as? [[String: Any]])?.map { $0["channels"] as? [String] ?? [] } == [["wechatpay"], ["alipay"]])
        #expect(report["transport"] as? [String] == ["proxy", "timeoutSeconds"])
        let paths = (report["problems"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String }
        #expect(paths.contains("merchants[0].wechatpay.mchid") && paths.contains("merchants[1].alipay.privateKey"), "\(paths)")
        #expect(!run.stdout.contains(secret) && !run.stderr.contains(secret))

        let selfCheck = try CommandLineRun(["self-check", "--config", url.path], environment: ["HISPAY_TEST_V3KEY": secret])
        #expect(selfCheck.status != 0)
        #expect(try json(selfCheck.stdout)["merchant"] as? String == "main-campus")
        #expect(!selfCheck.stdout.contains(secret) && !selfCheck.stderr.contains(secret))
    }

    @Test func refusalsAreOneLineOnStderrWithNonZeroExit() throws {
        let bad = try writeConfig(#"{"merchants": [{"name": "m", "alipay": {"appId": "1"}}], "transprot": {}}"#)
        let missing = try CommandLineRun(["config-check"])
        #expect(missing.status != 0 && missing.stderr.contains("Missing expected argument '--config <config>'"), "\(missing.stderr)")
        let cases: [([String], String)] = [
            (["config-check", "--config", "/nonexistent/hispay.json"], "cannot be read"),
            (["config-check", "--config", bad.path], "config.transprot is not a known key"),
            (["self-check", "--config", try writeConfig(#"{"merchants": [{"name": "m"}]}"#).path, "--merchant", "x"], "no merchant named \"x\""),
        ]
        for (arguments, reason) in cases {
            let run = try CommandLineRun(arguments)
            #expect(run.status != 0, "\(arguments)")
            #expect(run.stdout.isEmpty)
            let lines = run.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(arguments): \(run.stderr)")
            #expect(run.stderr.contains(reason), "\(arguments): \(run.stderr)")
        }
    }
}
