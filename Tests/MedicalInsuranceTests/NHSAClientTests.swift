import Foundation
import HISPayCompression
import HISPayCore
import HISPayCrypto
import HISPayService
import HISPayStore
import HISPayTesting
import MedicalInsurance
import Testing

@Suite struct NHSAClientTests {
    let settlement = SettlementRequest(
        personID: "44000000000000000001", certificateType: "01", certificateNumber: "ECTOKEN0001", total: Amount(fen: 12_340),
        visitID: "440100G0000011111111", chargeBatch: "CB20261122001", useAccount: true, insuranceType: "310")
    let settleInput = #"{"data":{"acct_used_flag":"1","chrg_bchno":"CB20261122001","insutype":"310","mdtrt_cert_no":"ECTOKEN0001","mdtrt_cert_type":"01","mdtrt_id":"440100G0000011111111","med_type":"11","medfee_sumamt":123.40,"psn_no":"44000000000000000001","psn_setlway":"01"}}"#
    /// 2207 = 2206's input + the four policy amounts (binzhe12123/Medical `SYB/YBJS/JS2207.cs`).
    let settle2207Input = #"{"data":{"acct_used_flag":"1","chrg_bchno":"CB20261122001","fulamt_ownpay_amt":3.40,"inscp_scp_amt":118.00,"insutype":"310","mdtrt_cert_no":"ECTOKEN0001","mdtrt_cert_type":"01","mdtrt_id":"440100G0000011111111","med_type":"11","medfee_sumamt":123.40,"overlmt_selfpay":0.00,"preselfpay_amt":2.00,"psn_no":"44000000000000000001","psn_setlway":"01"}}"#
    let policy = PolicyAmounts(fullOwnPay: Amount(fen: 340), overLimitSelfPay: .zero, preSelfPay: Amount(fen: 200), inPolicyScope: Amount(fen: 11_800))

    /// msgid is fixmedins_code(12) + time(14) + sequence(4) (binzhe12123/Medical
    /// `SZSI_Smart/Model/SYB/SYBCommon.cs`; ringls/NYB `BaseBusinessHandleRequest.cs`). Clients started
    /// in the same second — two HIS nodes, or `hispay settle` run twice — do not start their sequences
    /// at the same number, so their first msgids differ (the sandbox refuses a 2207 under a msgid it
    /// already booked, and before this two such processes collided there).
    @Test func clientsStartedInTheSameSecondSendDifferentMessageIDs() {
        let profile = NHSAScript().profile
        let now = ManualTimeSource(Date(timeIntervalSince1970: 1_795_312_800))
        let first = (0..<20).map { _ in NHSAClient(profile: profile, transport: ReplayTransport(cassette: Cassette(name: "none", interactions: [])), time: now).nextMessageID() }
        #expect(Set(first).count >= 18, "\(first)")
        #expect(first.allSatisfy { $0.count == 30 && $0.hasPrefix("H44010600001" + "20261122100000") })
        let pinned = NHSAClient(profile: profile, transport: ReplayTransport(cassette: Cassette(name: "none", interactions: [])), time: now, sequence: 9998)
        #expect([pinned.nextMessageID(), pinned.nextMessageID()].map { $0.suffix(4) } == ["9999", "0001"])
    }

    @Test func signInPersonInfoAndSettlementWithItsSplit() async throws {
        var script = NHSAScript()
        script.paas = true
        script.expect("9001", input: #"{"signIn":{"ip":"10.0.0.8","mac":"00-11-22-33-44-55","opter_no":"0001"}}"#, answer: NHSAScript.ok(#"{"signinoutb":{"sign_time":"2026-11-22 10:00:00","sign_no":"SN20261122000001"}}"#))
        script.signNo = "SN20261122000001"
        script.expect("1101", input: #"{"data":{"mdtrt_cert_no":"ECTOKEN0001","mdtrt_cert_type":"01","psn_cert_type":"01"}}"#,
                      answer: NHSAScript.ok(#"{"baseinfo":{"psn_no":"44000000000000000001","psn_name":"张三"},"insuinfo":[{"insutype":"310","balc":1000.00,"insuplc_admdvs":"440100"}]}"#))
        script.expect("2206", input: settleInput, insuredArea: "440100", answer: NHSAScript.ok(#"{"setlinfo":\#(NHSAScript.setlinfo.replacingOccurrences(of: #""setl_id":"440100G0000012345678","#, with: ""))}"#))
        script.expect("2207", input: settle2207Input, insuredArea: "440100", answer: NHSAScript.ok(#"{"setlinfo":\#(NHSAScript.setlinfo)}"#))
        let (client, replay) = script.client()
        #expect(try await client.signIn(mac: "00-11-22-33-44-55", ip: "10.0.0.8") == "SN20261122000001")
        let person = try await client.personInfo(.electronicVoucher(token: "ECTOKEN0001"))
        #expect(person.insurances.first?.balance == Amount(fen: 100_000))
        let preview = try await client.preSettle(settlement, insuredArea: "440100")
        #expect(preview.settlementID == nil)
        #expect(preview.cashPay == Amount(fen: 2340))
        #expect(preview.policyAmounts == policy)
        // Without policy amounts (from 2204's results or the 2206 answer) 2207 is not sent.
        await #expect(throws: ChannelError(.invalidRequest, reason: "")) { try await client.settle(settlement, insuredArea: "440100") }
        let settled = try await client.settle(settlement, policy: preview.policyAmounts, insuredArea: "440100")
        let split = try #require(settled.value)
        #expect(split.settlementID == "440100G0000012345678")
        #expect(split.total == Amount(fen: 12_340))
        #expect(split.fundPay == Amount(fen: 7000))
        #expect(split.accountPay == Amount(fen: 3000))
        #expect(split.accountMutualAid == Amount(fen: 500))
        #expect(split.balanceAfter == Amount(fen: 97_000))
        #expect(split.messageID == "H44010600001202611221000000004" && split.inconsistency == nil)
        try replay.verifyAllUsed()
    }

    @Test func timedOutSettlementIsUnknownAndReversedBy2601() async throws {
        var script = NHSAScript()
        let settleMessage = script.nextMessageID
        script.expect("2207", input: settle2207Input, insuredArea: "440100", answer: "", status: 504)
        script.expect("2601", input: #"{"data":{"oinfno":"2207","omsgid":"\#(settleMessage)","psn_no":"44000000000000000001"}}"#, insuredArea: "440100", answer: NHSAScript.ok("{}"))
        let (client, replay) = script.client()
        let outcome = try await client.settle(settlement, policy: policy, insuredArea: "440100")
        #expect(outcome.kind == .unknown)
        #expect(outcome.status.subCode == settleMessage)
        try await client.reverse(messageID: settleMessage, infno: "2207", personID: "44000000000000000001", insuredArea: "440100")
        try replay.verifyAllUsed()
    }

    /// A booked settlement whose numbers do not add up is recorded as the platform answered it —
    /// flagged (`inconsistency`), not thrown: an error there would make a caller reverse and settle
    /// again. A refusal is a failure.
    @Test func aSplitThatDoesNotAddUpIsRecordedFlaggedAndAPlatformRefusalIsAFailure() async throws {
        var script = NHSAScript()
        script.expect("2207", input: settle2207Input, insuredArea: "440100", answer: NHSAScript.ok(#"{"setlinfo":\#(NHSAScript.setlinfo.replacingOccurrences(of: #""psn_cash_pay":23.40"#, with: #""psn_cash_pay":23.39"#))}"#))
        script.expect("2207", input: settle2207Input, insuredArea: "440100", answer: #"{"infcode":-1,"err_msg":"[2207]该就诊已结算","output":null}"#)
        let (client, _) = script.client()
        let booked = try #require(try await client.settle(settlement, policy: policy, insuredArea: "440100").value)
        #expect(booked.settlementID == "440100G0000012345678" && booked.cashPay == Amount(fen: 2339))
        #expect(booked.inconsistency?.contains("does not add up") == true)
        let refused = try await client.settle(settlement, policy: policy, insuredArea: "440100")
        #expect(refused.kind == .failure)
        #expect(refused.status.message == "[2207]该就诊已结算")
    }

    /// 1101 by each certificate type (dictionary 7.35, binzhe12123/Medical `SYB/JBXX/RY1101.cs`):
    /// the e-voucher `01`; a face scan `01` nationally, or the region's own type; a resident ID `02`
    /// with `certno`; a social-security card `03` with its `card_sn` — and the ones that cannot be
    /// sent are refused before sending, naming what is missing, never the number.
    @Test func personInfoByEveryCertificateType() async throws {
        var script = NHSAScript()
        script.region.faceScanCertificateType = "05"
        let person = NHSAScript.ok(#"{"baseinfo":{"psn_no":"44000000000000000001","psn_name":"张三"},"insuinfo":[{"insutype":"310","balc":12.30}]}"#)
        script.expect("1101", input: #"{"data":{"mdtrt_cert_no":"FACETOKEN01","mdtrt_cert_type":"05","psn_cert_type":"01"}}"#, answer: person)
        script.expect("1101", input: #"{"data":{"certno":"11010519491231002X","mdtrt_cert_no":"11010519491231002X","mdtrt_cert_type":"02","psn_cert_type":"01","psn_name":"张三"}}"#, answer: person)
        script.expect("1101", input: #"{"data":{"card_sn":"SN0A1B2C3D","mdtrt_cert_no":"K12345678","mdtrt_cert_type":"03","psn_cert_type":"01"}}"#, answer: person)
        // The resident ID number (`mdtrt_cert_no`, `certno`) never reaches a cassette.
        #expect(script.interactions.allSatisfy { !($0.request.body?.utf8 ?? "").contains("11010519491231002X") })
        let (client, replay) = script.client()
        #expect(try await client.personInfo(.faceScan(token: "FACETOKEN01")).insurances.first?.balance == Amount(fen: 1230))
        _ = try await client.personInfo(.residentID(number: "11010519491231002X"), name: "张三")
        _ = try await client.personInfo(.socialSecurityCard(number: "K12345678", serial: "SN0A1B2C3D"))
        try replay.verifyAllUsed()
        for (certificate, missing) in [
            (MedicalCertificate.socialSecurityCard(number: "K12345678", serial: ""), "card_sn"), (.residentID(number: "110105194912310021"), "check character"),
            (.electronicVoucher(token: ""), "mdtrt_cert_no"),
        ] {
            do {
                _ = try await client.personInfo(certificate)
                Issue.record("\(certificate) was sent")
            } catch let error as ChannelError {
                #expect(error.code == .invalidRequest && error.reason.contains(missing), "\(error.reason)")
                #expect(!error.reason.contains("110105194912310021"))
            }
        }
        #expect(MedicalCertificate.residentID(number: "11010519491231002X").description == "the resident ID card 1101**********002X")
        #expect(MedicalCertificate.faceScan(token: "T").type(in: .national) == "01")
    }

    /// The outpatient flow before settlement, as the national tables carry it (binzhe12123/Medical
    /// `SYB/YBJS/GH2201.cs`, `ZJ2203.cs`, `ZJ2204.cs`, `ZJ2205.cs`, `GH2202.cs`): 2201 → `mdtrt_id`,
    /// 2203 visit and diagnoses, 2204 fee lines → per-line policy split, 2205 undo, 2202 cancel; a
    /// request lacking a required field is refused before sending, naming it.
    @Test func registrationVisitFeesAndTheirUndo() async throws {
        var script = NHSAScript()
        let visitTime = Date(timeIntervalSince1970: 1_795_312_800)
        script.expect("2201", input: #"{"data":{"atddr_no":"D001","begntime":"2026-11-22 10:00:00","card_sn":"SN0A1B2C3D","caty":"A03","dept_code":"0301","dept_name":"内科","dr_name":"李医生","insutype":"310","ipt_otp_no":"MZ20261122001","mdtrt_cert_no":"K12345678","mdtrt_cert_type":"03","psn_no":"44000000000000000001"}}"#, insuredArea: "440100",
                      answer: NHSAScript.ok(#"{"data":{"mdtrt_id":"440100G0000011111111","psn_no":"44000000000000000001","ipt_otp_no":"MZ20261122001"}}"#))
        script.expect("2203", input: #"{"diseinfo":[{"diag_code":"J06.900","diag_dept":"内科","diag_name":"急性上呼吸道感染","diag_srt_no":1,"diag_time":"2026-11-22 10:00:00","diag_type":"1","dise_dor_name":"李医生","dise_dor_no":"D001","vali_flag":"1"}],"mdtrtinfo":{"begntime":"2026-11-22 10:00:00","mdtrt_id":"440100G0000011111111","med_type":"11","psn_no":"44000000000000000001"}}"#, insuredArea: "440100", answer: NHSAScript.ok("{}"))
        script.expect("2204", input: #"{"feedetail":[{"bilg_dept_codg":"0301","bilg_dept_name":"内科","bilg_dr_codg":"D001","bilg_dr_name":"李医生","chrg_bchno":"CB20261122001","cnt":2,"det_item_fee_sumamt":123.40,"fee_ocur_time":"2026-11-22 10:00:00","feedetl_sn":"F1","hosp_appr_flag":"1","mdtrt_id":"440100G0000011111111","med_list_codg":"XJ01CAA040A001010104384","medins_list_codg":"YP0001","pric":61.7,"psn_no":"44000000000000000001","rx_circ_flag":"0"}]}"#, insuredArea: "440100",
                      answer: NHSAScript.ok(#"{"result":[{"feedetl_sn":"F1","det_item_fee_sumamt":123.40,"cnt":2,"pric":61.7,"fulamt_ownpay_amt":3.40,"overlmt_amt":0,"preselfpay_amt":2.00,"inscp_scp_amt":118.00,"chrgitm_lv":"02"}]}"#))
        script.expect("2205", input: #"{"data":{"chrg_bchno":"CB20261122001","mdtrt_id":"440100G0000011111111","psn_no":"44000000000000000001"}}"#, insuredArea: "440100", answer: NHSAScript.ok("{}"))
        script.expect("2202", input: #"{"data":{"ipt_otp_no":"MZ20261122001","mdtrt_id":"440100G0000011111111","psn_no":"44000000000000000001"}}"#, insuredArea: "440100", answer: NHSAScript.ok("{}"))
        let (client, replay) = script.client()
        let registration = RegistrationRequest(
            personID: "44000000000000000001", insuranceType: "310", beginTime: visitTime, certificate: .socialSecurityCard(number: "K12345678", serial: "SN0A1B2C3D"),
            outpatientNumber: "MZ20261122001", doctorCode: "D001", doctorName: "李医生", departmentCode: "0301", departmentName: "内科", specialty: "A03")
        let visitID = try await client.register(registration, insuredArea: "440100")
        #expect(visitID == "440100G0000011111111")
        try await client.uploadVisit(VisitInformation(visitID: visitID, personID: "44000000000000000001", beginTime: visitTime, diagnoses: [
            .init(order: 1, code: "J06.900", name: "急性上呼吸道感染", department: "内科", doctorCode: "D001", doctorName: "李医生", time: visitTime),
        ]), insuredArea: "440100")
        let line = FeeDetail(
            serial: "F1", visitID: visitID, personID: "44000000000000000001", chargeBatch: "CB20261122001", time: visitTime, catalogueCode: "XJ01CAA040A001010104384",
            hospitalCode: "YP0001", amount: Amount(fen: 12_340), quantity: "2", unitPrice: "61.7", departmentCode: "0301", departmentName: "内科", doctorCode: "D001",
            doctorName: "李医生")
        let results = try await client.uploadFees([line], insuredArea: "440100")
        #expect(try PolicyAmounts.sum(results.map(\.policy)) == policy)
        try await client.undoFees(visitID: visitID, chargeBatch: "CB20261122001", personID: "44000000000000000001", insuredArea: "440100")
        try await client.cancelRegistration(visitID: visitID, personID: "44000000000000000001", outpatientNumber: "MZ20261122001", insuredArea: "440100")
        try replay.verifyAllUsed()
        var noDoctor = registration
        noDoctor.doctorName = ""
        var badPrice = line
        badPrice.unitPrice = "61.7000001"
        var noDiagnosis = VisitInformation(visitID: visitID, personID: "44000000000000000001", beginTime: visitTime, diagnoses: [])
        let refusals: [(String, () async throws -> Void)] = [
            ("2201 requires dr_name", { _ = try await client.register(noDoctor, insuredArea: nil) }),
            ("pric of line F1", { _ = try await client.uploadFees([badPrice], insuredArea: nil) }),
            ("2203 requires diseinfo", { try await client.uploadVisit(noDiagnosis, insuredArea: nil) }),
            ("2202 requires ipt_otp_no", { try await client.cancelRegistration(visitID: visitID, personID: "P", outpatientNumber: "", insuredArea: nil) }),
            ("2207 requires chrg_bchno", {
                var request = settlement
                request.chargeBatch = ""
                _ = try await client.settle(request, policy: policy, insuredArea: nil)
            }),
        ]
        noDiagnosis.mainCondition = nil
        for (reason, call) in refusals {
            do {
                try await call()
                Issue.record("sent: \(reason)")
            } catch let error as ChannelError {
                #expect(error.code == .invalidRequest && error.reason.contains(reason), "\(error.reason)")
            }
        }
    }

    /// After a lost 2207 answer and a refused 2601, the platform's records say whether it was booked:
    /// 5204 lists the visit's fee lines with their `setl_id`, 5203 gives each settlement's
    /// `medins_setl_id` (the msgid it was sent under; binzhe12123/Medical `SYB/XXCX/FY5204.cs`,
    /// `JS5203.cs`).
    @Test func aSettlementIsFoundByTheMessageItWasSentUnder() async throws {
        var script = NHSAScript()
        let ids = #"{"data":{"mdtrt_id":"440100G0000011111111","psn_no":"44000000000000000001"}}"#
        script.expect("5204", input: ids, insuredArea: "440100", answer: NHSAScript.ok(#"[{"feedetl_sn":"F1","setl_id":"440100G0000012345678"},{"feedetl_sn":"F2","setl_id":""}]"#))
        script.expect("5203", input: #"{"data":{"mdtrt_id":"440100G0000011111111","psn_no":"44000000000000000001","setl_id":"440100G0000012345678"}}"#, insuredArea: "440100", answer: NHSAScript.ok(#"{"setlinfo":\#(NHSAScript.setlinfo)}"#))
        script.expect("5204", input: ids, insuredArea: "440100", answer: NHSAScript.ok(#"{"feedetail":[{"feedetl_sn":"F1","setl_id":""}]}"#))
        let (client, replay) = script.client()
        let found = try await client.settlement(sentAs: "H44010600001202611221000000004", visitID: "440100G0000011111111", personID: "44000000000000000001", insuredArea: "440100")
        #expect(found?.settlementID == "440100G0000012345678")
        #expect(try await client.settlement(sentAs: "H44010600001202611221000000004", visitID: "440100G0000011111111", personID: "44000000000000000001", insuredArea: "440100") == nil)
        try replay.verifyAllUsed()
    }

    @Test func undoQueryAndReconciliation() async throws {
        var script = NHSAScript()
        script.region.zipDetailFile = false
        let ids = #"{"data":{"mdtrt_id":"440100G0000011111111","psn_no":"44000000000000000001","setl_id":"440100G0000012345678"}}"#
        script.expect("2208", input: ids, insuredArea: "440100", answer: NHSAScript.ok(#"{"setlinfo":\#(NHSAScript.undoSetlinfo)}"#))
        script.expect("5261", input: ids, insuredArea: "440100", answer: NHSAScript.ok(#"{"setlinfo":\#(NHSAScript.setlinfo)}"#))
        script.expect("3201", input: #"{"data":{"acct_pay":30.00,"clr_type":"11","fixmedins_setl_cnt":1,"fund_pay_sumamt":70.00,"insutype":"310","medfee_sumamt":123.40,"refd_setl_flag":"1","setl_optins":"440100","stmt_begndate":"2026-11-22","stmt_enddate":"2026-11-22"}}"#,
                      answer: NHSAScript.ok(#"{"stmtinfo":{"setl_optins":"440100","stmt_rslt":"1","stmt_rslt_dscr":"总额不平"}}"#))
        // The national detail list: setl_id, mdtrt_id, psn_no, medfee_sumamt, fund_pay_sumamt, acct_pay, refd_setl_flag (JGDZ3202.cs).
        let file = Base64.encode(Array("440100G0000012345678\t440100G0000011111111\t44000000000000000001\t123.40\t70.00\t30.00\t0\n".utf8))
        script.expect("9101", input: #"{"fsUploadIn":{"filename":"hispay-3202.txt","fixmedins_code":"H44010600001","in":"\#(file)"}}"#, answer: NHSAScript.ok(#"{"file_qury_no":"FQ20261122000001"}"#))
        script.expect("3202", input: #"{"data":{"cash_payamt":23.40,"clr_type":"11","file_qury_no":"FQ20261122000001","fixmedins_setl_cnt":1,"fund_pay_sumamt":70.00,"insutype":"310","medfee_sumamt":123.40,"refd_setl_flag":"1","setl_optins":"440100","stmt_begndate":"2026-11-22","stmt_enddate":"2026-11-22"}}"#,
                      answer: NHSAScript.ok(#"{"fileinfo":{"file_qury_no":"FQ20261122RESULT","filename":"result.zip"}}"#))
        // 9102 answers with the file itself: a zip of the tab-separated result.
        let resultFile = "44000000000000000001\t440100G0000011111111\t440100G0000012345678\tH44010600001202611221000000004\t0\t0\t一致\t123.40\t70.00\t30.00\n"
            + "44000000000000000002\t440100G0000022222222\t440100G0000099999999\tH44010600001202611221000000009\t2\t0\t医院无此结算\t50.00\t30.00\t10.00\n"
        script.expect("9102", input: #"{"fsDownloadIn":{"file_qury_no":"FQ20261122RESULT","filename":"result.zip","fixmedins_code":"H44010600001"}}"#,
                      body: try ZipWriter.archive([("result.txt", Data(resultFile.utf8))]))
        script.expect("3201", input: #"{"data":{"acct_pay":30.00,"clr_type":"11","fixmedins_setl_cnt":1,"fund_pay_sumamt":70.00,"insutype":"310","medfee_sumamt":123.40,"refd_setl_flag":"1","setl_optins":"440100","stmt_begndate":"2026-11-22","stmt_enddate":"2026-11-22"}}"#,
                      answer: NHSAScript.ok(#"{"stmtinfo":{"setl_optins":"440100","stmt_rslt":"000000","stmt_rslt_dscr":"对账成功"}}"#))
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
        let rows = try await client.detailReconciliationResult(detail)
        #expect(rows.rows.map(\.result) == ["0", "2"])
        let records = try rows.statementRecords(time: script.now)
        #expect(records.map(\.outTradeNo) == ["440100G0000012345678", "440100G0000099999999"])
        #expect(records.map(\.amount) == [Amount(fen: 10_000), Amount(fen: 4000)])  // fund + account, as the platform has them
        #expect(records[0].dispute == nil && records[1].dispute == "stmt_rslt 2: 医院无此结算")
        // `000000` is "balanced" too (seen in public hospital-side code beside `0`).
        #expect(try await client.totalReconciliation(totals).balanced)
        try replay.verifyAllUsed()
    }
}

/// Every required-field rule of the typed NHSA inputs, one field left out at a time: the request is
/// refused before anything is sent (the cassette is empty), and the error names the field.
@Suite struct NHSARequiredFieldTests {
    let client = NHSAScript().client().0
    let time = Date(timeIntervalSince1970: 1_795_312_800)

    func expectRefused(_ field: String, _ call: () async throws -> Void) async {
        do {
            try await call()
            Issue.record("sent without \(field)")
        } catch let error as ChannelError {
            #expect(error.code == .invalidRequest && error.reason.contains("requires \(field)"), "\(error.reason)")
        } catch {
            Issue.record("\(field): \(error)")
        }
    }

    @Test func settlementFields() async {
        let complete = SettlementRequest(
            personID: "P1", certificateType: "01", certificateNumber: "EC1", total: Amount(fen: 100), visitID: "V1", chargeBatch: "CB1", useAccount: false,
            insuranceType: "310")
        let policy = PolicyAmounts(fullOwnPay: .zero, overLimitSelfPay: .zero, preSelfPay: .zero, inPolicyScope: Amount(fen: 100))
        let fields: [(String, WritableKeyPath<SettlementRequest, String>)] = [
            ("psn_no", \.personID), ("mdtrt_cert_type", \.certificateType), ("mdtrt_cert_no", \.certificateNumber), ("med_type", \.medicalType),
            ("psn_setlway", \.settlementWay), ("mdtrt_id", \.visitID), ("chrg_bchno", \.chargeBatch), ("insutype", \.insuranceType),
        ]
        for (field, keyPath) in fields {
            var request = complete
            request[keyPath: keyPath] = ""
            await expectRefused(field) { _ = try await client.preSettle(request, insuredArea: nil) }
            await expectRefused(field) { _ = try await client.settle(request, policy: policy, insuredArea: nil) }
        }
        await expectRefused("fulamt_ownpay_amt") { _ = try await client.settle(complete, insuredArea: nil) }
    }

    @Test func registrationAndFeeLineFields() async {
        let registration = RegistrationRequest(
            personID: "P1", insuranceType: "310", beginTime: time, certificate: .electronicVoucher(token: "EC1"), outpatientNumber: "MZ1", doctorCode: "D1",
            doctorName: "李医生", departmentCode: "0301", departmentName: "内科", specialty: "A03")
        let registrationFields: [(String, WritableKeyPath<RegistrationRequest, String>)] = [
            ("psn_no", \.personID), ("insutype", \.insuranceType), ("ipt_otp_no", \.outpatientNumber), ("atddr_no", \.doctorCode), ("dr_name", \.doctorName),
            ("dept_code", \.departmentCode), ("dept_name", \.departmentName), ("caty", \.specialty),
        ]
        for (field, keyPath) in registrationFields {
            var request = registration
            request[keyPath: keyPath] = ""
            await expectRefused(field) { _ = try await client.register(request, insuredArea: nil) }
        }
        let line = FeeDetail(
            serial: "F1", visitID: "V1", personID: "P1", chargeBatch: "CB1", time: time, catalogueCode: "M1", hospitalCode: "H1", amount: Amount(fen: 100),
            quantity: "1", unitPrice: "1.00", departmentCode: "0301", departmentName: "内科", doctorCode: "D1", doctorName: "李医生")
        let lineFields: [(String, WritableKeyPath<FeeDetail, String>)] = [
            ("feedetl_sn", \.serial), ("mdtrt_id", \.visitID), ("psn_no", \.personID), ("chrg_bchno", \.chargeBatch), ("med_list_codg", \.catalogueCode),
            ("medins_list_codg", \.hospitalCode), ("bilg_dept_codg", \.departmentCode), ("bilg_dept_name", \.departmentName), ("bilg_dr_codg", \.doctorCode),
            ("bilg_dr_name", \.doctorName),
        ]
        for (field, keyPath) in lineFields {
            var request = line
            request[keyPath: keyPath] = ""
            await expectRefused(field) { _ = try await client.uploadFees([request], insuredArea: nil) }
        }
        await expectRefused("feedetail") { _ = try await client.uploadFees([], insuredArea: nil) }
        await expectRefused("mdtrt_id") { try await client.undoFees(visitID: "", chargeBatch: "CB1", personID: "P1", insuredArea: nil) }
        await expectRefused("mdtrt_id") { _ = try await client.feeDetails(visitID: "", personID: "P1", insuredArea: nil) }
        await expectRefused("setl_id") { _ = try await client.settlementInformation(settlementID: "", visitID: "V1", personID: "P1", insuredArea: nil) }
    }
}
