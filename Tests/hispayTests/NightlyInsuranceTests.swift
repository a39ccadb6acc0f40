import Foundation
import HISPay
import HISPayTestSupport
import Testing

/// The insurance leg of the nightly run against the sandbox's NHSA interface: two outpatient bills
/// settled with `hispay settle` (2204 → 2206 → 2207, the cash part by WeChat Pay APIv2 barcode) into
/// the store, then `hispay reconcile --config --store --date` checks the day with the platform itself —
/// 3201 totals per insurance type, clearing type and agency, and the 9101 + 3202 detail list whose
/// 9102 result file is the statement. A settlement the HIS then books at another amount is reported
/// by both: 3201 no longer balances, and the 3202 row is an amount mismatch.
@Suite(.serialized) struct NightlyInsuranceTests {
    let directory: URL
    let sandbox: ServerProcess
    let config: URL
    let store: String
    let today = String(BeijingTime.format(Date()).prefix(10))

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hispay-nightly-insurance-\(UUID().uuidString)")
        let written = directory.appendingPathComponent("hispay.json")
        sandbox = try ServerProcess(["sandbox", "--port", "0", "--write-config", written.path, "--pay-delay", "0"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: written)) as? [String: Any])
        // One campus with the insurance interface and a cash channel without a daily statement download.
        var merchant = try #require((json["merchants"] as? [[String: Any]])?.first).filter { ["insurance", "wechatpayV2"].contains($0.key) }
        merchant["name"] = "campus"
        config = directory.appendingPathComponent("campus.json")
        try JSONSerialization.data(withJSONObject: ["transport": ["proxy": "direct"], "merchants": [merchant]]).write(to: config)
        store = "sqlite:" + directory.appendingPathComponent("his.db").path
    }

    /// Settles bill `number` (fees of `yuan`) until it completes.
    func settle(_ number: Int, yuan: String) throws -> String {
        let bill = directory.appendingPathComponent("bill-\(number).json")
        let fields: ConfigValue = .object([
            "billId": .string("NIGHT-\(number)"), "personId": .string("P000\(number)"), "certificateType": .string("02"), "certificateNumber": .string("ECTOKEN000\(number)"),
            "total": .string(yuan), "visitId": .string("V000\(number)"), "chargeBatch": .string("CB000\(number)"), "useAccount": .bool(true),
            "insuranceType": .string("310"), "insuredArea": .string("440100"), "cashOrderNo": .string("NIGHT-\(number)-CASH"), "subject": .string("门诊缴费"),
            "authCode": .string("13456789012345678\(number)"),
            "fees": .array([.object([
                "feedetl_sn": .string("F000\(number)"), "med_list_codg": .string("001102000010000-110200001"), "medins_list_codg": .string("ZL0001"),
                "det_item_fee_sumamt": .string(yuan), "cnt": .string("1"), "pric": .string(yuan), "bilg_dept_codg": .string("0301"),
                "bilg_dept_name": .string("内科"), "bilg_dr_codg": .string("D001"), "bilg_dr_name": .string("李医生"),
            ])]),
        ])
        try Data(fields.jsonText().utf8).write(to: bill)
        for _ in 0..<6 {
            let run = try CommandLineRun(["settle", "--create", "--channel", "insurance", "--bill", bill.path, "--cash-channel", "wechatpay-v2", "--config", config.path, "--store", store])
            let output = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stderr)")
            if output["state"] as? String == "completed" { return output["settlementId"] as? String ?? "" }
        }
        Issue.record("bill \(number) did not complete")
        return ""
    }

    func night(_ out: String) throws -> (status: Int32, section: [String: Any]) {
        let run = try CommandLineRun([
            "reconcile", "--config", config.path, "--store", store, "--date", today, "--merchant", "campus", "--out", directory.appendingPathComponent(out).path,
        ])
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent(out).appendingPathComponent("report.json"))) as? [String: Any],
            "\(run.stderr)")
        return (run.status, try #require((report["sections"] as? [[String: Any]])?.first))
    }

    @Test func theInsuranceLegIsCheckedWithThePlatformsTotalsAndDetail() async throws {
        let first = try settle(1, yuan: "123.40")
        let second = try settle(2, yuan: "86.50")
        #expect(first.hasPrefix("SETL") && second.hasPrefix("SETL"))

        let clean = try night("clean")
        #expect(clean.status == 0)
        let statement = try #require((clean.section["statements"] as? [[String: Any]])?.first { $0["channel"] as? String == "insurance" })
        #expect(statement["state"] as? String == "downloaded" && (statement["file"] as? String)?.hasSuffix(".nhsa-3202-result.zip") == true, "\(statement)")
        let report = try #require(clean.section["report"] as? [String: Any])
        #expect((report["summary"] as? [String: Int])?["matched"] == 2 && (report["discrepancies"] as? [Any])?.isEmpty == true)
        let totals = try #require((report["platformTotals"] as? [[String: Any]])?.first)
        // 123.40 + 86.50; the sandbox's fund pays 60 % and the personal account 20 %.
        #expect(totals["balanced"] as? Bool == true && totals["count"] as? Int == 2 && totals["total"] as? Int == 20_990)
        #expect((totals["parts"] as? [String: Int]) == ["fund_pay_sumamt": 12_594, "acct_pay": 4_198])
        let journal = try String(contentsOf: directory.appendingPathComponent("clean/campus/inputs/his-journal.csv"), encoding: .utf8)
        #expect(journal.contains("insurance,payment,\(first),,98.72") && journal.contains("insurance,payment,\(second),,69.20"), "\(journal)")
        let page = try String(contentsOf: directory.appendingPathComponent("clean/report.html"), encoding: .utf8)
        #expect(page.contains("渠道对总账（医保 3201、一卡通日结）") && page.contains(#"data-field="platformTotals.0.balanced">一致"#))

        // The HIS books the second settlement's fund part one yuan higher than the platform did.
        let opened = try await SQLPaymentStore.open(store)
        let journalOfCheckouts = StoreCheckoutJournal(store: opened, merchant: "campus")
        var record = try #require(try await journalOfCheckouts.record(for: "NIGHT-2"))
        var booked = try #require(record.settlement)
        booked.fundPay = try booked.fundPay.adding(Amount(fen: 100))
        record.settlement = booked
        try await journalOfCheckouts.save(record)
        try await opened.close()

        let planted = try night("planted")
        #expect(planted.status == 3)
        let plantedReport = try #require(planted.section["report"] as? [String: Any])
        let verdict = try #require((plantedReport["platformTotals"] as? [[String: Any]])?.first)
        #expect(verdict["balanced"] as? Bool == false && (verdict["detail"] as? String)?.contains("基金支付总额不符") == true, "\(verdict)")
        let discrepancies = try #require(plantedReport["discrepancies"] as? [[String: Any]])
        #expect(discrepancies.count == 1)
        #expect(discrepancies.first?["outTradeNo"] as? String == second && discrepancies.first?["kind"] as? String == "amountMismatch")
        #expect(discrepancies.first?["hisAmount"] as? Int == 7_020 && discrepancies.first?["channelAmount"] as? Int == 6_920)
    }
}
