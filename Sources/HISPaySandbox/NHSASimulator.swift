import Foundation
import HISPayCore

/// The national platform's hospital interface as the adapter uses it (`POST {gateway}/{infno}` with
/// the JSON envelope, answers `{"infcode", "err_msg", "output"}`): 9001 sign-in, 2206
/// pre-settlement, 2207 settlement (booked under its `msgid`), 2208 undo, 2601 reversal of a
/// settlement by `omsgid`, 5261 query, 3201 total reconciliation of a date range against what it
/// booked. The split is the sandbox's own rule — the fund pays 60 % of the bill, the personal account
/// (when `acct_used_flag` is 1) 20 %, the patient the rest in cash — and adds up exactly.
/// Faults: `serverError` books the request and answers HTTP 500 (the hospital cannot tell whether a
/// 2207 took effect), `slow` answers after 3 s.
public actor NHSASimulator {
    struct Settlement {
        var settlementID: String
        var visitID: String
        var personID: String
        var total: Amount
        var useAccount: Bool
        var active: Bool
        var bookedAt: Date
    }

    private var settlements: [String: Settlement] = [:]  // by msgid
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
        let data = envelope["input"]?.objectValue["data"]?.objectValue ?? [:]
        switch infno {
        case "9001":
            return answer(["signinoutb": .object(["sign_no": .string(nextID("SIGN")), "sign_time": .string(BeijingTime.format(Date()))])])
        case "2206", "2207":
            guard let person = data["psn_no"]?.text, let visit = data["mdtrt_id"]?.text, let totalText = data["medfee_sumamt"]?.text,
                let total = try? Amount(yuan: totalText), total.fen > 0
            else { return refuse("psn_no, mdtrt_id and a positive medfee_sumamt are required") }
            let settlementID = infno == "2207" ? nextID("SETL") : nil
            if let settlementID {
                settlements[messageID] = Settlement(
                    settlementID: settlementID, visitID: visit, personID: person, total: total, useAccount: data["acct_used_flag"]?.text == "1", active: true,
                    bookedAt: Date())
            }
            return answer(["setlinfo": .object(split(total, useAccount: data["acct_used_flag"]?.text == "1", settlementID: settlementID, visitID: visit))])
        case "2208":
            guard let settlementID = data["setl_id"]?.text,
                let (messageID, settlement) = settlements.first(where: { $0.value.settlementID == settlementID && $0.value.active }).map({ ($0.key, $0.value) })
            else { return refuse("结算记录不存在或已撤销") }
            settlements[messageID]?.active = false
            var info = split(settlement.total, useAccount: settlement.useAccount, settlementID: nextID("UNDO"), visitID: settlement.visitID)
            for key in ["medfee_sumamt", "fund_pay_sumamt", "psn_part_amt", "acct_pay", "psn_cash_pay"] {
                if let text = info[key]?.text, let amount = try? Amount(yuan: text) { info[key] = .number("-" + amount.yuanString) }
            }
            return answer(["setlinfo": .object(info)])
        case "2601":
            guard let original = data["omsgid"]?.text, settlements[original]?.active == true else { return refuse("原交易不存在") }
            settlements[original]?.active = false
            return answer([:])
        case "5261":
            guard let settlementID = data["setl_id"]?.text, let settlement = settlements.values.first(where: { $0.settlementID == settlementID }) else {
                return refuse("结算记录不存在")
            }
            return answer(["setlinfo": .object(split(settlement.total, useAccount: settlement.useAccount, settlementID: settlementID, visitID: settlement.visitID))])
        case "3201":
            return totals(data)
        default:
            return refuse("the sandbox does not offer \(infno)")
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
        let booked = settlements.values.filter { settlement in
            let day = String(BeijingTime.format(settlement.bookedAt).prefix(10))
            return settlement.active && day >= begin.prefix(10) && day <= end.prefix(10)
        }
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

    /// How many settlements are booked and not reversed or undone.
    public var activeSettlements: Int { settlements.values.filter(\.active).count }

    /// How many settlements were ever booked (reversed and undone ones included).
    public var bookedSettlements: Int { settlements.count }

    /// The fund's 60 % and the account's 20 % (when used) of `total`, in whole fen.
    private func shares(_ total: Amount, useAccount: Bool) -> (fund: Int64, account: Int64) {
        (total.fen * 60 / 100, useAccount ? total.fen * 20 / 100 : 0)
    }

    private func split(_ total: Amount, useAccount: Bool, settlementID: String?, visitID: String) -> [String: ConfigValue] {
        let (fund, account) = shares(total, useAccount: useAccount)
        let cash = total.fen - fund - account
        var info: [String: ConfigValue] = [
            "mdtrt_id": .string(visitID), "medfee_sumamt": .number(total.yuanString), "fund_pay_sumamt": .number(Amount(fen: fund).yuanString),
            "psn_part_amt": .number(Amount(fen: account + cash).yuanString), "acct_pay": .number(Amount(fen: account).yuanString),
            "psn_cash_pay": .number(Amount(fen: cash).yuanString), "setl_time": .string(BeijingTime.format(Date())),
        ]
        if let settlementID { info["setl_id"] = .string(settlementID) }
        return info
    }

    private func answer(_ output: [String: ConfigValue]) -> SandboxResponse {
        SandboxResponse(
            status: 200, headers: [("Content-Type", "application/json;charset=utf-8")],
            body: Data(ConfigValue.object(["infcode": .number("0"), "output": .object(output)]).jsonText().utf8))
    }

    private func refuse(_ message: String) -> SandboxResponse {
        SandboxResponse(
            status: 200, headers: [("Content-Type", "application/json;charset=utf-8")],
            body: Data(ConfigValue.object(["infcode": .number("-1"), "err_msg": .string(message)]).jsonText().utf8))
    }

    private func nextID(_ prefix: String) -> String {
        sequence += 1
        return prefix + String(format: "%014d", sequence)
    }
}
