import Foundation
import HISPayTestSupport
import Testing

/// `Examples/his-server` (the README's minimal embedding) runs as its own process: it takes a WeChat
/// Pay JSAPI payment against the simulator and prints the verified event its gateway recorded.
@Suite struct ExampleServerTests {
    @Test func theMinimalHISServerPrintsTheVerifiedPaymentEvent() throws {
        let run = try CommandLineRun([], program: "his-server")
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.first == "placed HIS-FEE-0001: pending")
        let event = try #require(lines.last.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
        #expect(event["outTradeNo"] as? String == "HIS-FEE-0001")
        #expect(event["kind"] as? String == "paymentSucceeded")
        #expect(event["amount"] as? Int == 12_340)
        #expect(event["channel"] as? String == "wechatpay")
        #expect(event["merchant"] as? String == "sandbox")
    }
}
