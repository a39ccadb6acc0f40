import Foundation
import HISPay
import HISPayTestSupport
import Testing

/// `hispay events`: a store's events as JSON lines, after a cursor, or the quarantined ones.
@Suite(.serialized) struct EventsCommandLineTests {
    static let now = Date(timeIntervalSince1970: 1_795_312_800)

    func lines(_ run: CommandLineRun) throws -> [[String: Any]] {
        try run.stdout.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    @Test func listsEventsAfterACursorAndTheQuarantinedApart() async throws {
        let location = try await TestStores.location(.sqlite)
        let store = try await SQLPaymentStore.open(location)
        for (number, quarantine) in [(1, nil), (2, nil), (3, "amount ¥0.01 is not the journaled ¥12.30 for REG3")] as [(Int, String?)] {
            let event = CallbackEvent(
                kind: .paymentSucceeded, channel: .alipay, deduplicationKey: "alipay:REG\(number)", outTradeNo: "REG\(number)",
                transactionID: "2026112222001455611000012345", amount: Amount(fen: 1230), occurredAt: Self.now, fields: ["trade_status": "TRADE_SUCCESS"])
            _ = try await store.record(event, merchant: "main", receivedAt: Self.now, quarantineReason: quarantine)
        }
        try await store.close()

        let all = try lines(try CommandLineRun(["events", "--store", location]))
        #expect(all.map { $0["outTradeNo"] as? String } == ["REG1", "REG2"])
        #expect(all.first?["amount"] as? Int == 1230)
        #expect(all.first?["channel"] as? String == "alipay" && all.first?["kind"] as? String == "paymentSucceeded")
        #expect(all.first?["receivedAt"] as? String == "2026-11-22T10:00:00+08:00")
        #expect((all.first?["fields"] as? [String: String])?["trade_status"] == "TRADE_SUCCESS")
        let cursor = try #require(all.first?["cursor"] as? Int)
        let after = try lines(try CommandLineRun(["events", "--store", location, "--after", "\(cursor)"]))
        #expect(after.map { $0["outTradeNo"] as? String } == ["REG2"])
        let quarantined = try lines(try CommandLineRun(["events", "--store", location, "--quarantined"]))
        #expect(quarantined.map { $0["quarantineReason"] as? String } == ["amount ¥0.01 is not the journaled ¥12.30 for REG3"])
    }

    @Test func aBadStoreIsRefusedInOneLine() throws {
        for (location, reason) in [("mysql://x", "sqlite:PATH or postgres://"), ("postgres://hispay@127.0.0.1:9/none?connect_timeout=1", "could not be reached")] {
            let run = try CommandLineRun(["events", "--store", location])
            #expect(run.status != 0)
            #expect(run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
            #expect(run.stderr.contains(reason), "\(run.stderr)")
        }
    }
}
