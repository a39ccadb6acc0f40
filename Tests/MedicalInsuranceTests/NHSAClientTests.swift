import Foundation
import HISPayCore
import HISPayCrypto
import MedicalInsurance
import Testing

@Suite struct NHSAClientTests {
    let settlement = SettlementRequest(
        personID: "44000000000000000001", certificateType: "01", certificateNumber: "ECTOKEN0001", total: Amount(fen: 12_340),
        visitID: "440100G0000011111111", chargeBatch: "CB20261122001", useAccount: true, insuranceType: "310")
    let settleInput = #"{"data":{"acct_used_flag":"1","chrg_bchno":"CB20261122001","insutype":"310","mdtrt_cert_no":"ECTOKEN0001","mdtrt_cert_type":"01","mdtrt_id":"440100G0000011111111","med_type":"11","medfee_sumamt":123.40,"psn_no":"44000000000000000001","psn_setlway":"01"}}"#

    @Test func signInPersonInfoAndSettlementWithItsSplit() async throws {
        var script = NHSAScript()
        script.paas = true
        script.expect("9001", input: #"{"signIn":{"ip":"10.0.0.8","mac":"00-11-22-33-44-55","opter_no":"0001"}}"#, answer: NHSAScript.ok(#"{"signinoutb":{"sign_time":"2026-11-22 10:00:00","sign_no":"SN20261122000001"}}"#))
        script.signNo = "SN20261122000001"
        script.expect("1101", input: #"{"data":{"mdtrt_cert_no":"ECTOKEN0001","mdtrt_cert_type":"01","psn_cert_type":"01"}}"#,
                      answer: NHSAScript.ok(#"{"baseinfo":{"psn_no":"44000000000000000001","psn_name":"张三"},"insuinfo":[{"insutype":"310","balc":1000.00,"insuplc_admdvs":"440100"}]}"#))
        script.expect("2206", input: settleInput, insuredArea: "440100", answer: NHSAScript.ok(#"{"setlinfo":\#(NHSAScript.setlinfo.replacingOccurrences(of: #""setl_id":"440100G0000012345678","#, with: ""))}"#))
        script.expect("2207", input: settleInput, insuredArea: "440100", answer: NHSAScript.ok(#"{"setlinfo":\#(NHSAScript.setlinfo)}"#))
        let (client, replay) = script.client()
        #expect(try await client.signIn(mac: "00-11-22-33-44-55", ip: "10.0.0.8") == "SN20261122000001")
        let person = try await client.personInfo(certificateType: "01", certificateNumber: "ECTOKEN0001")
        #expect(person.insurances.first?.balance == Amount(fen: 100_000))
        let preview = try await client.preSettle(settlement, insuredArea: "440100")
        #expect(preview.settlementID == nil)
        #expect(preview.cashPay == Amount(fen: 2340))
        let settled = try await client.settle(settlement, insuredArea: "440100")
        let split = try #require(settled.value)
        #expect(split.settlementID == "440100G0000012345678")
        #expect(split.total == Amount(fen: 12_340))
        #expect(split.fundPay == Amount(fen: 7000))
        #expect(split.accountPay == Amount(fen: 3000))
        #expect(split.accountMutualAid == Amount(fen: 500))
        #expect(split.balanceAfter == Amount(fen: 97_000))
        try replay.verifyAllUsed()
    }

    @Test func timedOutSettlementIsUnknownAndReversedBy2601() async throws {
        var script = NHSAScript()
        let settleMessage = script.nextMessageID
        script.expect("2207", input: settleInput, insuredArea: "440100", answer: "", status: 504)
        script.expect("2601", input: #"{"data":{"oinfno":"2207","omsgid":"\#(settleMessage)","psn_no":"44000000000000000001"}}"#, insuredArea: "440100", answer: NHSAScript.ok("{}"))
        let (client, replay) = script.client()
        let outcome = try await client.settle(settlement, insuredArea: "440100")
        #expect(outcome.kind == .unknown)
        #expect(outcome.status.subCode == settleMessage)
        try await client.reverse(messageID: settleMessage, infno: "2207", personID: "44000000000000000001", insuredArea: "440100")
        try replay.verifyAllUsed()
    }

    @Test func aSplitThatDoesNotAddUpIsRefusedAndAPlatformRefusalIsAFailure() async throws {
        var script = NHSAScript()
        script.expect("2207", input: settleInput, insuredArea: "440100", answer: NHSAScript.ok(#"{"setlinfo":\#(NHSAScript.setlinfo.replacingOccurrences(of: #""psn_cash_pay":23.40"#, with: #""psn_cash_pay":23.39"#))}"#))
        script.expect("2207", input: settleInput, insuredArea: "440100", answer: #"{"infcode":-1,"err_msg":"[2207]该就诊已结算","output":null}"#)
        let (client, _) = script.client()
        do {
            _ = try await client.settle(settlement, insuredArea: "440100")
            Issue.record("a split that does not add up must be refused")
        } catch let error as ChannelError {
            #expect(error.code == .invalidResponse)
            #expect(error.reason.contains("does not add up"))
        }
        let refused = try await client.settle(settlement, insuredArea: "440100")
        #expect(refused.kind == .failure)
        #expect(refused.status.message == "[2207]该就诊已结算")
    }

    @Test func undoQueryAndReconciliation() async throws {
        var script = NHSAScript()
        let ids = #"{"data":{"mdtrt_id":"440100G0000011111111","psn_no":"44000000000000000001","setl_id":"440100G0000012345678"}}"#
        script.expect("2208", input: ids, insuredArea: "440100", answer: NHSAScript.ok(#"{"setlinfo":\#(NHSAScript.undoSetlinfo)}"#))
        script.expect("5261", input: ids, insuredArea: "440100", answer: NHSAScript.ok(#"{"setlinfo":\#(NHSAScript.setlinfo)}"#))
        script.expect("3201", input: #"{"data":{"acct_pay":30.00,"clr_type":"11","fixmedins_setl_cnt":1,"fund_pay_sumamt":70.00,"insutype":"310","medfee_sumamt":123.40,"refd_setl_flag":"1","setl_optins":"440100","stmt_begndate":"2026-11-22","stmt_enddate":"2026-11-22"}}"#,
                      answer: NHSAScript.ok(#"{"stmtinfo":{"setl_optins":"440100","stmt_rslt":"1","stmt_rslt_dscr":"总额不平"}}"#))
        let file = Base64.encode(Array("440100G0000012345678\t440100G0000011111111\t123.40\t70.00\t30.00\t23.40\t0\n".utf8))
        script.expect("9101", input: #"{"fsUploadIn":{"filename":"hispay-3202.txt","fixmedins_code":"H44010600001","in":"\#(file)"}}"#, answer: NHSAScript.ok(#"{"file_qury_no":"FQ20261122000001"}"#))
        script.expect("3202", input: #"{"data":{"cash_payamt":23.40,"clr_type":"11","file_qury_no":"FQ20261122000001","fixmedins_setl_cnt":1,"fund_pay_sumamt":70.00,"insutype":"310","medfee_sumamt":123.40,"refd_setl_flag":"1","setl_optins":"440100","stmt_begndate":"2026-11-22","stmt_enddate":"2026-11-22"}}"#,
                      answer: NHSAScript.ok(#"{"fileinfo":{"file_qury_no":"FQ20261122RESULT","filename":"result.zip"}}"#))
        let (client, replay) = script.client()
        let undone = try await client.undoSettlement(settlementID: "440100G0000012345678", visitID: "440100G0000011111111", personID: "44000000000000000001", insuredArea: "440100")
        #expect(undone.value?.total == Amount(fen: -12_340))
        let booked = try await client.querySettlement(settlementID: "440100G0000012345678", visitID: "440100G0000011111111", personID: "44000000000000000001", insuredArea: "440100")
        let totals = try ReconciliationTotals(grouping: [booked], insuranceType: "310", clearingType: "11", clearingAgency: "440100", startDate: "2026-11-22", endDate: "2026-11-22")
        let result = try await client.totalReconciliation(totals)
        #expect(!result.balanced)
        #expect(result.detail == "总额不平")
        let detail = try await client.detailReconciliation(totals, settlements: [booked], format: TabSeparatedReconciliationFile())
        #expect(detail["file_qury_no"] == .string("FQ20261122RESULT"))
        try replay.verifyAllUsed()
    }
}
