import Foundation
import HISPay
import HISPayTestSupport
import Testing
import HISPayTesting

/// The sandbox's NHSA interface refuses what the platform refuses, as public hospital-side code meets
/// it (field tables in binzhe12123/Medical `SY.Com.Medical.Model/SYB`): the simulator was changed to
/// this contract before the client, so a client that sent less would fail here first.
@Suite struct NHSASimulatorTests {
    let nhsa = NHSASimulator()

    /// Sends `input` as `infno` in the platform envelope under `msgid`; returns the answer object.
    func send(_ infno: String, _ input: ConfigValue, msgid: String = "H44010600001202611221000009999") async -> [String: ConfigValue] {
        let envelope = ConfigValue.object(["infno": .string(infno), "msgid": .string(msgid), "input": input])
        let answer = await nhsa.handle(infno: infno, body: Data(envelope.jsonText().utf8))
        return ConfigValue.decode(answer.body)?.objectValue ?? [:]
    }

    static func data(_ fields: [String: String]) -> ConfigValue { .object(["data": .object(fields.mapValues { .string($0) })]) }

    static let settle: [String: String] = [
        "psn_no": "P1", "mdtrt_cert_type": "01", "mdtrt_cert_no": "EC1", "med_type": "11", "medfee_sumamt": "10.00", "psn_setlway": "01",
        "mdtrt_id": "V1", "chrg_bchno": "CB1", "acct_used_flag": "0", "insutype": "310",
    ]
    static let policy: [String: String] = ["fulamt_ownpay_amt": "0.00", "overlmt_selfpay": "0.00", "preselfpay_amt": "0.00", "inscp_scp_amt": "10.00"]

    static func line(_ serial: String, _ amount: String) -> ConfigValue {
        .object([
            "feedetl_sn": serial, "mdtrt_id": "V1", "psn_no": "P1", "chrg_bchno": "CB1", "fee_ocur_time": "2026-11-22 10:00:00", "med_list_codg": "M1",
            "medins_list_codg": "H1", "det_item_fee_sumamt": amount, "cnt": "1", "pric": amount, "bilg_dept_codg": "0301", "bilg_dept_name": "内科",
            "bilg_dr_codg": "D1", "bilg_dr_name": "李医生",
        ].mapValues { .string($0) })
    }

    func refused(_ answer: [String: ConfigValue], _ message: String) -> Bool {
        answer["infcode"]?.text == "-1" && (answer["err_msg"]?.text ?? "").contains(message)
    }

    @Test func settlementNeedsUploadedFeesThatAddUpAndThePolicyAmounts() async {
        #expect(refused(await send("2206", Self.data(Self.settle)), "没有待结算的费用明细"))
        #expect(await send("2204", .object(["feedetail": .array([Self.line("F1", "6.00")])]))["infcode"]?.text == "0")
        #expect(refused(await send("2204", .object(["feedetail": .array([Self.line("F1", "4.00")])])), "F1重复"))
        #expect(refused(await send("2206", Self.data(Self.settle)), "医疗费总额与费用明细不符"))
        #expect(await send("2204", .object(["feedetail": .array([Self.line("F2", "4.00")])]))["infcode"]?.text == "0")
        #expect(await send("2206", Self.data(Self.settle))["infcode"]?.text == "0")
        #expect(refused(await send("2207", Self.data(Self.settle)), "fulamt_ownpay_amt不能为空"))
        let settled = await send("2207", Self.data(Self.settle.merging(Self.policy) { $1 }), msgid: "H44010600001202611221000000008")
        let info = settled["output"]?.objectValue["setlinfo"]?.objectValue ?? [:]
        #expect(info["medins_setl_id"]?.text == "H44010600001202611221000000008" && info["setl_id"]?.text?.hasPrefix("SETL") == true)
        // The lines now carry the settlement (5204); a refused reversal leaves it booked.
        let lines = await send("5204", Self.data(["psn_no": "P1", "mdtrt_id": "V1"]))["output"]?.arrayValue ?? []
        #expect(lines.map { $0.objectValue["setl_id"]?.text } == [info["setl_id"]?.text, info["setl_id"]?.text])
        await nhsa.inject(.refused, pathPrefix: "/fsi/api/2601")
        #expect(await nhsa.handle(infno: "2601", body: Data()).status == 200)
        #expect(await nhsa.activeSettlements == 1)
        // Nothing of a settled batch can be undone with 2205.
        #expect(refused(await send("2205", Self.data(["mdtrt_id": "V1", "chrg_bchno": "CB1", "psn_no": "P1"])), "没有可撤销的费用明细"))
    }

    @Test func certificatesAndRegistrationsAreCheckedAsThePlatformChecksThem() async {
        let card = ["mdtrt_cert_type": "03", "mdtrt_cert_no": "K1", "psn_cert_type": "01"]
        #expect(refused(await send("1101", Self.data(card)), "card_sn"))
        #expect(await send("1101", Self.data(card.merging(["card_sn": "SN1"]) { $1 }))["infcode"]?.text == "0")
        #expect(refused(await send("1101", Self.data(["mdtrt_cert_type": "02", "mdtrt_cert_no": "110105194912310021", "psn_cert_type": "01"])), "校验不通过"))
        let register = [
            "psn_no": "P1", "insutype": "310", "begntime": "2026-11-22 10:00:00", "mdtrt_cert_type": "01", "mdtrt_cert_no": "EC1", "ipt_otp_no": "MZ1",
            "atddr_no": "D1", "dr_name": "李医生", "dept_code": "0301", "dept_name": "内科", "caty": "A03",
        ]
        #expect(refused(await send("2201", Self.data(register.merging(["caty": ""]) { $1 })), "caty不能为空"))
        let visit = await send("2201", Self.data(register))["output"]?.objectValue["data"]?.objectValue["mdtrt_id"]?.text ?? ""
        #expect(refused(await send("2203", .object(["mdtrtinfo": .object(["mdtrt_id": .string(visit)]), "diseinfo": .array([])])), "诊断信息不能为空"))
        var line = Self.line("F1", "1.00").objectValue
        line["mdtrt_id"] = .string(visit)
        _ = await send("2204", .object(["feedetail": .array([.object(line)])]))
        #expect(refused(await send("2202", Self.data(["psn_no": "P1", "mdtrt_id": visit, "ipt_otp_no": "MZ1"])), "请先撤销费用"))
        #expect(await send("2205", Self.data(["mdtrt_id": visit, "chrg_bchno": "CB1", "psn_no": "P1"]))["infcode"]?.text == "0")
        #expect(await send("2202", Self.data(["psn_no": "P1", "mdtrt_id": visit, "ipt_otp_no": "MZ1"]))["infcode"]?.text == "0")
    }
}
