import Foundation
import HISPayCore
import HISPayCrypto
import MedicalInsurance
import HISPayTesting

/// Builds hospital-interface cassettes: request envelopes written from the field table of the
/// interface specification, answers `{"infcode": …, "output": …}` as the platform sends them.
struct NHSAScript {
    let now = Date(timeIntervalSince1970: 1_795_312_800)  // 2026-11-22 10:00:00 +08:00
    let gateway = "https://fsi.example.gov.cn/fsi/api/rsfComIfrsvr"
    var interactions: [Cassette.Interaction] = []
    var sequence = 0
    var signNo = ""
    var paas = false
    var region = NHSARegion.national

    var profile: NHSAProfile {
        NHSAProfile(
            fixmedinsCode: "H44010600001", fixmedinsName: "广州市第一测试医院", mdtrtareaAdmvs: "440100", gateway: gateway,
            paasID: paas ? "hispay-paas" : nil, paasToken: paas ? "PaasTokenForTests" : nil, operatorID: "0001", operatorName: "收费员甲", region: region)
    }

    func client() -> (NHSAClient, ReplayTransport) {
        let replay = ReplayTransport(cassette: Cassette(name: "nhsa", interactions: interactions))
        return (NHSAClient(profile: profile, transport: replay, time: ManualTimeSource(now), nonces: ScriptedNonceSource(), sequence: 0), replay)
    }

    /// The msgid of the next request.
    var nextMessageID: String { "H44010600001" + "20261122100000" + String(format: "%04d", sequence + 1) }

    mutating func expect(_ infno: String, input: String, insuredArea: String = "", answer: String?, status: Int = 200) {
        expect(infno, input: input, insuredArea: insuredArea, body: Data((answer ?? "").utf8), status: status)
    }

    /// The same, answered with raw bytes (9102 answers with the file itself).
    mutating func expect(_ infno: String, input: String, insuredArea: String = "", body answer: Data, status: Int = 200) {
        sequence += 1
        let msgid = "H44010600001" + "20261122100000" + String(format: "%04d", sequence)
        let body = #"{"cainfo":"","dev_no":"","dev_safe_info":"","fixmedins_code":"H44010600001","fixmedins_name":"广州市第一测试医院","inf_time":"2026-11-22 10:00:00","infno":"\#(infno)","infver":"V1.0","input":\#(input),"insuplc_admdvs":"\#(insuredArea)","mdtrtarea_admvs":"440100","msgid":"\#(msgid)","opter":"0001","opter_name":"收费员甲","opter_type":"1","recer_sys_code":"YBXT","sign_no":"\#(signNo)","signtype":""}"#
        var headers: HTTPHeaders = ["Content-Type": "application/json;charset=utf-8"]
        if paas {
            let nonce = "NONCE\(sequence)"
            headers.add("x-tif-paasid", "hispay-paas")
            headers.add("x-tif-timestamp", "1795312800")
            headers.add("x-tif-nonce", nonce)
            headers.add("x-tif-signature", Hex.encode(try! DigestAlgorithm.sha256.hash("1795312800" + "PaasTokenForTests" + nonce + "1795312800")))
        }
        interactions.append(Cassette.Interaction(
            // Patient identifiers (mdtrt_cert_no, certno…) never reach a cassette: redacted as when recorded.
            request: Redactor.standard.redact(HTTPRequest(method: "POST", url: "\(gateway)/\(infno)", headers: headers, body: Data(body.utf8))),
            response: Cassette.Response(HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: answer))))
    }

    static func ok(_ output: String) -> String {
        #"{"infcode":0,"inf_refmsgid":"440100202611221000000000000001","refmsg_time":"20261122100000123","respond_time":"20261122100000456","err_msg":null,"warn_msg":null,"output":\#(output)}"#
    }

    static let undoSetlinfo = #"{"setl_id":"440100G0000012345679","mdtrt_id":"440100G0000011111111","psn_no":"44000000000000000001","setl_time":"2026-11-22 11:00:00","medfee_sumamt":-123.40,"fund_pay_sumamt":-70.00,"psn_part_amt":-53.40,"acct_pay":-30.00,"acct_mulaid_pay":-5.00,"psn_cash_pay":-23.40,"balc":1000.00,"clr_optins":"440100"}"#

    static let setlinfo = #"{"setl_id":"440100G0000012345678","mdtrt_id":"440100G0000011111111","psn_no":"44000000000000000001","setl_time":"2026-11-22 10:00:00","medfee_sumamt":123.40,"fund_pay_sumamt":70.00,"psn_part_amt":53.40,"acct_pay":30.00,"acct_mulaid_pay":5.00,"psn_cash_pay":23.40,"hosp_part_amt":0.00,"balc":970.00,"clr_optins":"440100","clr_type":"11","insutype":"310","fulamt_ownpay_amt":3.40,"overlmt_selfpay":0.00,"preselfpay_amt":2.00,"inscp_scp_amt":118.00,"medins_setl_id":"H44010600001202611221000000004"}"#
}
