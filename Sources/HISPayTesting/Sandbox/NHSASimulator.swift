import Foundation
import HISPayCompression
import HISPayCore
import HISPayCrypto

/// The national platform's hospital interface as public hospital-side code uses it (`POST
/// {gateway}/{infno}` with the JSON envelope, answers `{"infcode", "err_msg", "output"}`; field tables
/// as binzhe12123/Medical `SY.Com.Medical.Model/SYB` carries them), with the outpatient flow's state:
///
/// - 9001 sign-in; 1101 person info (a sandbox insured person per certificate: type `01` e-voucher
///   token or face scan, `02` a resident ID number with a valid check character, `03` a
///   social-security card with its `card_sn`);
/// - 2201 registration → `mdtrt_id`; 2202 cancels it (refused while fees are uploaded); 2203 visit
///   information (needs a registered visit and a diagnosis); 2204 fee lines (each required field, a
///   serial once per visit; answers each line's policy split); 2205 undoes a batch's unsettled lines;
/// - 2206/2207 settle the uploaded lines of one charge batch (refused when there are none or they do
///   not add up to `medfee_sumamt`; 2207 also needs the four policy amounts) — booked under the
///   `msgid`, which `medins_setl_id` gives back; 2208 undoes; 2601 reverses by `omsgid`;
/// - 5204 the visit's fee lines with the `setl_id` that settled each; 5203 and 5261 a settlement;
/// - 3201 total reconciliation of a date range against what it booked; 9101 file upload, 3202 detail
///   reconciliation of the uploaded list (zipped or not) against what it booked, its result a zipped
///   tab-separated file 9102 downloads (the body is the file).
///
/// The split is the sandbox's own rule — the fund pays 60 % of the bill, the personal account (when
/// `acct_used_flag` is 1) 20 %, the patient the rest in cash — and adds up exactly. Faults:
/// `serverError` books the request and answers HTTP 500 (the hospital cannot tell whether a 2207 took
/// effect), `slow` answers after 3 s, `refused` refuses it without effect (a 2601 past the platform's
/// reversal window).
public actor NHSASimulator {
    struct Settlement: Codable {
        var settlementID: String
        var messageID: String
        var visitID: String
        var personID: String
        var chargeBatch: String
        var total: Amount
        var useAccount: Bool
        var active: Bool
        var bookedAt: Date
        var undoneAt: Date?
    }

    struct FeeLine: Codable {
        var serial: String
        var chargeBatch: String
        var amount: Amount
        var settlementID: String?
    }

    struct Visit: Codable {
        var personID: String
        var outpatientNumber: String
        var active: Bool
        var informed = false
    }

    /// A file uploaded or made for download.
    struct File: Codable {
        var name: String
        var contents: Data
    }

    private var settlements: [String: Settlement] = [:]  // by msgid
    private var visits: [String: Visit] = [:]  // by mdtrt_id
    private var lines: [String: [FeeLine]] = [:]  // by mdtrt_id
    private var files: [String: File] = [:]  // by file_qury_no
    private var faults = SandboxFaultPlan()
    private var sequence: Int

    public init(seed: Int = 1) { sequence = seed * 1_000_000 }

    /// Injects `fault` into the next `count` requests whose path (`/fsi/api/{infno}`) starts with `pathPrefix`.
    public func inject(_ fault: SandboxFault, pathPrefix: String, count: Int = 1) {
        faults.add(fault, pathPrefix: pathPrefix, count: count)
    }

    /// Answers one request for `infno` (the last path component) with its envelope `body`, with any
    /// fault injected for it.
    public func handle(infno: String, body: Data) async -> SandboxResponse {
        let fault = faults.take("/fsi/api/" + infno)
        if fault == .refused { return refuse("[\(infno)]超过冲正时限，不允许冲正") }
        let answer = answer(infno: infno, body: body)
        switch fault {
        case .serverError?: return SandboxResponse(status: 500, headers: [("Content-Type", "text/plain")], body: Data("Internal Server Error".utf8))
        case .slow?: try? await Task.sleep(for: .seconds(3))
        default: break
        }
        return answer
    }

    private func answer(infno: String, body: Data) -> SandboxResponse {
        let envelope = ConfigValue.decode(body)?.objectValue ?? [:]
        guard envelope["infno"]?.text == infno, let messageID = envelope["msgid"]?.text else {
            return refuse("envelope lacks infno \(infno) or msgid")
        }
        let input = envelope["input"]?.objectValue ?? [:]
        let data = input["data"]?.objectValue ?? [:]
        if let missing = Self.required[infno]?.first(where: { (data[$0]?.text ?? "").isEmpty }) { return refuse("[\(infno)]\(missing)不能为空") }
        switch infno {
        case "9001":
            return answer(["signinoutb": .object(["sign_no": .string(nextID("SIGN")), "sign_time": .string(BeijingTime.format(Date()))])])
        case "1101":
            return personInfo(data)
        case "2201":
            let visitID = nextID("V")
            visits[visitID] = Visit(personID: data["psn_no"]?.text ?? "", outpatientNumber: data["ipt_otp_no"]?.text ?? "", active: true)
            return answer(["data": .object(["mdtrt_id": .string(visitID), "psn_no": data["psn_no"] ?? .null, "ipt_otp_no": data["ipt_otp_no"] ?? .null])])
        case "2202":
            let visitID = data["mdtrt_id"]?.text ?? ""
            guard visits[visitID]?.active == true else { return refuse("就诊信息不存在或已撤销") }
            guard (lines[visitID] ?? []).isEmpty else { return refuse("该就诊存在费用明细，请先撤销费用") }
            visits[visitID]?.active = false
            return answer([:])
        case "2203":
            let info = input["mdtrtinfo"]?.objectValue ?? [:]
            guard let visitID = info["mdtrt_id"]?.text, visits[visitID]?.active == true else { return refuse("就诊信息不存在") }
            guard !(input["diseinfo"]?.arrayValue ?? []).isEmpty else { return refuse("诊断信息不能为空") }
            visits[visitID]?.informed = true
            return answer([:])
        case "2204":
            return uploadFees(input["feedetail"]?.arrayValue ?? [])
        case "2205":
            let visitID = data["mdtrt_id"]?.text ?? ""
            let batch = data["chrg_bchno"]?.text ?? ""
            let undone = (lines[visitID] ?? []).filter { ($0.chargeBatch == batch || batch == "0000") && $0.settlementID == nil }
            guard !undone.isEmpty else { return refuse("没有可撤销的费用明细") }
            lines[visitID]?.removeAll { ($0.chargeBatch == batch || batch == "0000") && $0.settlementID == nil }
            return answer([:])
        case "2206", "2207":
            return settle(infno: infno, messageID: messageID, data)
        case "2208":
            guard let settlementID = data["setl_id"]?.text,
                let (messageID, settlement) = settlements.first(where: { $0.value.settlementID == settlementID && $0.value.active }).map({ ($0.key, $0.value) })
            else { return refuse("结算记录不存在或已撤销") }
            settlements[messageID]?.active = false
            settlements[messageID]?.undoneAt = Date()
            release(settlementID, visitID: settlement.visitID)
            var info = split(settlement, settlementID: nextID("UNDO"))
            for key in ["medfee_sumamt", "fund_pay_sumamt", "psn_part_amt", "acct_pay", "psn_cash_pay", "inscp_scp_amt"] {
                if let text = info[key]?.text, let amount = try? Amount(yuan: text), amount.fen != 0 { info[key] = .number("-" + amount.yuanString) }
            }
            return answer(["setlinfo": .object(info)])
        case "2601":
            guard let original = data["omsgid"]?.text, let settlement = settlements[original], settlement.active else { return refuse("原交易不存在") }
            settlements[original]?.active = false
            release(settlement.settlementID, visitID: settlement.visitID)
            return answer([:])
        case "5203", "5261":
            guard let settlementID = data["setl_id"]?.text, let settlement = settlements.values.first(where: { $0.settlementID == settlementID }) else {
                return refuse("结算记录不存在")
            }
            return answer(["setlinfo": .object(split(settlement, settlementID: settlementID))])
        case "5204":
            let rows = (lines[data["mdtrt_id"]?.text ?? ""] ?? []).map { line in
                ConfigValue.object([
                    "feedetl_sn": .string(line.serial), "mdtrt_id": data["mdtrt_id"] ?? .null, "setl_id": .string(line.settlementID ?? ""),
                    "det_item_fee_sumamt": .number(line.amount.yuanString),
                ])
            }
            return SandboxResponse.json(.object(["infcode": .number("0"), "output": .array(rows)]))
        case "3201":
            return totals(data)
        case "9101":
            let upload = input["fsUploadIn"]?.objectValue ?? [:]
            guard let name = upload["filename"]?.text, let bytes = upload["in"]?.text.flatMap({ try? Base64.decode($0) }) else {
                return refuse("[9101]文件数据不能为空")
            }
            let queryNo = nextID("FQ")
            files[queryNo] = File(name: name, contents: Data(bytes))
            return answer(["file_qury_no": .string(queryNo), "filename": .string(name)])
        case "3202":
            return detail(data)
        case "9102":
            let download = input["fsDownloadIn"]?.objectValue ?? [:]
            guard let file = files[download["file_qury_no"]?.text ?? ""], file.name == download["filename"]?.text else { return refuse("文件不存在") }
            return SandboxResponse(status: 200, headers: [("Content-Type", "application/octet-stream")], body: file.contents)
        default:
            return refuse("the sandbox does not offer \(infno)")
        }
    }

    /// Required `data` fields per transaction, as the national tables mark them.
    static let required: [String: [String]] = [
        "1101": ["mdtrt_cert_type", "mdtrt_cert_no", "psn_cert_type"],
        "2201": ["psn_no", "insutype", "begntime", "mdtrt_cert_type", "mdtrt_cert_no", "ipt_otp_no", "atddr_no", "dr_name", "dept_code", "dept_name", "caty"],
        "2202": ["psn_no", "mdtrt_id", "ipt_otp_no"],
        "2205": ["mdtrt_id", "chrg_bchno", "psn_no"],
        "2206": ["psn_no", "mdtrt_cert_type", "med_type", "medfee_sumamt", "psn_setlway", "mdtrt_id", "chrg_bchno", "acct_used_flag", "insutype"],
        "2207": [
            "psn_no", "mdtrt_cert_type", "med_type", "medfee_sumamt", "psn_setlway", "mdtrt_id", "chrg_bchno", "acct_used_flag", "insutype",
            "fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt", "inscp_scp_amt",
        ],
        "2208": ["setl_id", "mdtrt_id", "psn_no"],
        "2601": ["psn_no", "omsgid", "oinfno"],
        "5203": ["psn_no", "setl_id", "mdtrt_id"],
        "5204": ["psn_no", "mdtrt_id"],
    ]

    /// 1101: a sandbox insured person for a well-formed certificate.
    private func personInfo(_ data: [String: ConfigValue]) -> SandboxResponse {
        let type = data["mdtrt_cert_type"]?.text ?? ""
        let number = data["mdtrt_cert_no"]?.text ?? ""
        switch type {
        case "01": break
        case "02" where ResidentIDNumber.isValid(number): break
        case "02": return refuse("身份证号码校验不通过")
        case "03" where !(data["card_sn"]?.text ?? "").isEmpty: break
        case "03": return refuse("就诊凭证类型为03时卡识别码card_sn不能为空")
        default: return refuse("就诊凭证类型\(type)不存在")
        }
        // A stable person number per certificate (FNV-1a of its number): the same patient every run.
        let hash = number.utf8.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
        let personID = "4401" + String(format: "%016llu", hash % 10_000_000_000_000_000)
        return answer([
            "baseinfo": .object(["psn_no": .string(personID), "psn_name": .string("沙箱参保人"), "psn_cert_type": .string("01")]),
            "insuinfo": .array([.object(["insutype": .string("310"), "balc": .number("1000.00"), "insuplc_admdvs": .string("440100"), "psn_type": .string("11")])]),
        ])
    }

    /// 2204: stores each line; every line's whole amount is in the policy scope (the sandbox's catalogue).
    private func uploadFees(_ rows: [ConfigValue]) -> SandboxResponse {
        let required = ["feedetl_sn", "mdtrt_id", "psn_no", "chrg_bchno", "fee_ocur_time", "med_list_codg", "medins_list_codg", "det_item_fee_sumamt", "cnt", "pric",
                        "bilg_dept_codg", "bilg_dept_name", "bilg_dr_codg", "bilg_dr_name"]
        guard !rows.isEmpty else { return refuse("[2204]feedetail不能为空") }
        var accepted: [(visit: String, line: FeeLine)] = []
        for row in rows.map(\.objectValue) {
            if let missing = required.first(where: { (row[$0]?.text ?? "").isEmpty }) { return refuse("[2204]\(missing)不能为空") }
            let visit = row["mdtrt_id"]?.text ?? ""
            let serial = row["feedetl_sn"]?.text ?? ""
            guard let amount = try? Amount(yuan: row["det_item_fee_sumamt"]?.text ?? "") else { return refuse("[2204]det_item_fee_sumamt格式错误") }
            if (lines[visit] ?? []).contains(where: { $0.serial == serial }) || accepted.contains(where: { $0.visit == visit && $0.line.serial == serial }) {
                return refuse("[2204]费用明细流水号\(serial)重复")
            }
            accepted.append((visit, FeeLine(serial: serial, chargeBatch: row["chrg_bchno"]?.text ?? "", amount: amount)))
        }
        for (visit, line) in accepted { lines[visit, default: []].append(line) }
        return answer(["result": .array(accepted.map { entry in
            .object([
                "feedetl_sn": .string(entry.line.serial), "det_item_fee_sumamt": .number(entry.line.amount.yuanString), "fulamt_ownpay_amt": .number("0.00"),
                "overlmt_amt": .number("0.00"), "preselfpay_amt": .number("0.00"), "inscp_scp_amt": .number(entry.line.amount.yuanString),
                "chrgitm_lv": .string("01"),
            ])
        })])
    }

    /// 2206/2207 over the batch's uploaded, unsettled lines.
    private func settle(infno: String, messageID: String, _ data: [String: ConfigValue]) -> SandboxResponse {
        guard let total = data["medfee_sumamt"]?.text.flatMap({ try? Amount(yuan: $0) }), total.fen > 0 else { return refuse("medfee_sumamt必须为正数") }
        let visit = data["mdtrt_id"]?.text ?? ""
        let batch = data["chrg_bchno"]?.text ?? ""
        let open = (lines[visit] ?? []).filter { $0.chargeBatch == batch && $0.settlementID == nil }
        guard !open.isEmpty else { return refuse("[\(infno)]收费批次\(batch)没有待结算的费用明细") }
        guard (try? Amount.sum(open.map(\.amount))) == total else { return refuse("[\(infno)]医疗费总额与费用明细不符") }
        var settlement = Settlement(
            settlementID: "", messageID: messageID, visitID: visit, personID: data["psn_no"]?.text ?? "", chargeBatch: batch, total: total,
            useAccount: data["acct_used_flag"]?.text == "1", active: true, bookedAt: Date())
        if infno == "2207" {
            // msgid is the sender's message id (fixmedins_code + time + sequence: binzhe12123/Medical
            // SZSI_Smart/Model/SYB/SYBCommon.cs); 2601 reverses by it, so a second booking under one
            // msgid is refused.
            guard settlements[messageID] == nil else { return refuse("[2207]发送方报文ID重复：\(messageID)") }
            settlement.settlementID = nextID("SETL")
            settlements[messageID] = settlement
            for index in (lines[visit] ?? []).indices where lines[visit]?[index].chargeBatch == batch && lines[visit]?[index].settlementID == nil {
                lines[visit]?[index].settlementID = settlement.settlementID
            }
        }
        var info = split(settlement, settlementID: settlement.settlementID.isEmpty ? nil : settlement.settlementID)
        if infno == "2206" { info["medins_setl_id"] = nil }
        return answer(["setlinfo": .object(info)])
    }

    /// Returns a settlement's fee lines to unsettled (2208 undo, 2601 reversal).
    private func release(_ settlementID: String, visitID: String) {
        for index in (lines[visitID] ?? []).indices where lines[visitID]?[index].settlementID == settlementID {
            lines[visitID]?[index].settlementID = nil
        }
    }

    /// 3201: the hospital's totals for `stmt_begndate`…`stmt_enddate` against the active settlements
    /// booked on those days — `stmt_rslt` 0 when count, total, fund and account payments all agree,
    /// 1 with a description of the first difference otherwise.
    private func totals(_ data: [String: ConfigValue]) -> SandboxResponse {
        guard let begin = data["stmt_begndate"]?.text, let end = data["stmt_enddate"]?.text, let count = data["fixmedins_setl_cnt"]?.text.flatMap({ Int($0) }),
            let total = data["medfee_sumamt"]?.text.flatMap({ try? Amount(yuan: $0, allowNegative: true) }),
            let fund = data["fund_pay_sumamt"]?.text.flatMap({ try? Amount(yuan: $0, allowNegative: true) }),
            let account = data["acct_pay"]?.text.flatMap({ try? Amount(yuan: $0, allowNegative: true) })
        else { return refuse("stmt_begndate, stmt_enddate, fixmedins_setl_cnt, medfee_sumamt, fund_pay_sumamt and acct_pay are required") }
        let booked = settlements.values.filter { $0.active && Self.within($0.bookedAt, begin, end) }
        var platform = (count: booked.count, total: Int64(0), fund: Int64(0), account: Int64(0))
        for settlement in booked {
            let parts = shares(settlement.total, useAccount: settlement.useAccount)
            platform.total += settlement.total.fen
            platform.fund += parts.fund
            platform.account += parts.account
        }
        let differences = [
            ("结算笔数", String(count), String(platform.count)), ("医疗费总额", total.yuanString, Amount(fen: platform.total).yuanString),
            ("基金支付总额", fund.yuanString, Amount(fen: platform.fund).yuanString), ("个人账户支付", account.yuanString, Amount(fen: platform.account).yuanString),
        ].filter { $0.1 != $0.2 }
        let description = differences.first.map { "\($0.0)不符：医院 \($0.1)，中心 \($0.2)" } ?? "对账一致"
        return answer(["stmtinfo": .object(["setl_optins": data["setl_optins"] ?? .string(""), "stmt_rslt": .string(differences.isEmpty ? "0" : "1"), "stmt_rslt_dscr": .string(description)])])
    }

    /// 3202: compares the uploaded list (`setl_id`, `mdtrt_id`, `psn_no`, `medfee_sumamt`,
    /// `fund_pay_sumamt`, `acct_pay`, `refd_setl_flag`; zipped or not) with what the platform booked
    /// in the range, and writes the result file: per settlement `psn_no`, `mdtrt_id`, `setl_id`,
    /// `msgid`, `stmt_rslt` (0 agrees, 1 amounts differ, 2 the hospital lacks it, 3 the platform lacks
    /// it), `refd_setl_flag`, `memo`, and the platform's amounts.
    private func detail(_ data: [String: ConfigValue]) -> SandboxResponse {
        guard let queryNo = data["file_qury_no"]?.text, let upload = files[queryNo], let begin = data["stmt_begndate"]?.text,
            let end = data["stmt_enddate"]?.text
        else { return refuse("[3202]file_qury_no、stmt_begndate、stmt_enddate不能为空") }
        var text = upload.contents
        if let archive = try? ZipReader(upload.contents), let entry = archive.first(where: { !$0.isDirectory }), let contents = try? archive.contents(of: entry) {
            text = contents
        }
        var hospital: [String: [String]] = [:]
        for line in String(decoding: text, as: UTF8.self).split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 7 else { return refuse("[3202]明细文件格式错误") }
            hospital[fields[0] + (fields[6] == "1" ? "#undo" : "")] = fields
        }
        var rows: [String] = []
        var seen: Set<String> = []
        let booked = settlements.values.sorted { $0.settlementID < $1.settlementID }
        for settlement in booked {
            var entries: [(key: String, refund: Bool)] = []
            if Self.within(settlement.bookedAt, begin, end), !settlement.settlementID.isEmpty, settlement.active || settlement.undoneAt != nil {
                entries.append((settlement.settlementID, false))
            }
            if let undone = settlement.undoneAt, Self.within(undone, begin, end) { entries.append((settlement.settlementID + "#undo", true)) }
            for (key, refund) in entries {
                seen.insert(key)
                let parts = shares(settlement.total, useAccount: settlement.useAccount)
                let sign = refund ? "-" : ""
                let amounts = [settlement.total.yuanString, Amount(fen: parts.fund).yuanString, Amount(fen: parts.account).yuanString].map { $0 == "0.00" ? $0 : sign + $0 }
                let result: (code: String, memo: String)
                if let line = hospital[key] {
                    result = Array(line[3...5]) == amounts ? ("0", "一致") : ("1", "金额不符：医院 \(line[3...5].joined(separator: "/"))")
                } else {
                    result = ("2", "医院无此结算")
                }
                rows.append(([settlement.personID, settlement.visitID, settlement.settlementID, settlement.messageID, result.code, refund ? "1" : "0", result.memo] + amounts).joined(separator: "\t"))
            }
        }
        for (key, line) in hospital.sorted(by: { $0.key < $1.key }) where !seen.contains(key) {
            rows.append(([line[2], line[1], line[0], "", "3", line[6], "中心无此结算", line[3], line[4], line[5]]).joined(separator: "\t"))
        }
        let resultName = "stmt_\(queryNo).txt"
        guard let archive = try? ZipWriter.archive([(resultName, Data((rows.joined(separator: "\n") + (rows.isEmpty ? "" : "\n")).utf8))]) else {
            return refuse("[3202]结果文件生成失败")
        }
        let resultNo = nextID("FR")
        files[resultNo] = File(name: resultName + ".zip", contents: archive)
        return answer(["fileinfo": .object([
            "file_qury_no": .string(resultNo), "filename": .string(resultName + ".zip"), "dld_endtime": .string(BeijingTime.format(Date().addingTimeInterval(86_400))),
        ])])
    }

    /// Whether `date` (Beijing day) is within `begin`…`end` (`yyyy-MM-dd…`).
    private static func within(_ date: Date, _ begin: String, _ end: String) -> Bool {
        let day = BeijingTime.day(date)
        return day >= begin.prefix(10) && day <= end.prefix(10)
    }

    /// How many settlements are booked and not reversed or undone.
    public var activeSettlements: Int { settlements.values.filter(\.active).count }

    /// How many settlements were ever booked (reversed and undone ones included).
    public var bookedSettlements: Int { settlements.values.filter { !$0.settlementID.isEmpty }.count }

    /// The fund's 60 % and the account's 20 % (when used) of `total`, in whole fen.
    private func shares(_ total: Amount, useAccount: Bool) -> (fund: Int64, account: Int64) {
        (total.fen * 60 / 100, useAccount ? total.fen * 20 / 100 : 0)
    }

    private func split(_ settlement: Settlement, settlementID: String?) -> [String: ConfigValue] {
        let (fund, account) = shares(settlement.total, useAccount: settlement.useAccount)
        let cash = settlement.total.fen - fund - account
        var info: [String: ConfigValue] = [
            "mdtrt_id": .string(settlement.visitID), "psn_no": .string(settlement.personID), "medfee_sumamt": .number(settlement.total.yuanString),
            "fund_pay_sumamt": .number(Amount(fen: fund).yuanString), "psn_part_amt": .number(Amount(fen: account + cash).yuanString),
            "acct_pay": .number(Amount(fen: account).yuanString), "psn_cash_pay": .number(Amount(fen: cash).yuanString),
            "fulamt_ownpay_amt": .number("0.00"), "overlmt_selfpay": .number("0.00"), "preselfpay_amt": .number("0.00"),
            "inscp_scp_amt": .number(settlement.total.yuanString), "setl_time": .string(BeijingTime.format(Date())),
            "medins_setl_id": .string(settlement.messageID), "clr_optins": .string("440100"), "clr_type": .string("11"), "insutype": .string("310"),
        ]
        if let settlementID { info["setl_id"] = .string(settlementID) }
        return info
    }

    private func answer(_ output: [String: ConfigValue]) -> SandboxResponse {
        SandboxResponse.json(.object(["infcode": .number("0"), "output": .object(output)]))
    }

    private func refuse(_ message: String) -> SandboxResponse {
        SandboxResponse.json(.object(["infcode": .number("-1"), "err_msg": .string(message)]))
    }

    private func nextID(_ prefix: String) -> String {
        sequence += 1
        return prefix + String(format: "%014d", sequence)
    }

    // MARK: - Kept across restarts (`SandboxOrderStore`)

    /// Every visit, fee line, settlement and file, and where the ids have got to.
    struct Saved: Codable, Sendable {
        var settlements: [String: Settlement]
        var visits: [String: Visit]
        var lines: [String: [FeeLine]]
        var files: [String: File]
        var sequence: Int
    }

    func saved() -> Saved { Saved(settlements: settlements, visits: visits, lines: lines, files: files, sequence: sequence) }

    func restore(_ saved: Saved) {
        (settlements, visits, lines, files, sequence) = (saved.settlements, saved.visits, saved.lines, saved.files, saved.sequence)
    }
}
