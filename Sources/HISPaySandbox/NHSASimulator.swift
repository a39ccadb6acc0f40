import Foundation
import HISPayCore

/// The national platform's hospital interface as the adapter uses it (`POST {gateway}/{infno}` with
/// the JSON envelope, answers `{"infcode", "err_msg", "output"}`): 9001 sign-in, 2206
/// pre-settlement, 2207 settlement (booked under its `msgid`), 2208 undo, 2601 reversal of a
/// settlement by `omsgid`, 5261 query. The split is the sandbox's own rule — the fund pays 60 % of the
/// bill, the personal account (when `acct_used_flag` is 1) 20 %, the patient the rest in cash — and
/// adds up exactly.
public actor NHSASimulator {
    struct Settlement {
        var settlementID: String
        var visitID: String
        var personID: String
        var total: Amount
        var active: Bool
    }

    private var settlements: [String: Settlement] = [:]  // by msgid
    private var sequence: Int

    public init(seed: Int = 1) { sequence = seed * 1_000_000 }

    /// Answers one request for `infno` (the last path component) with its envelope `body`.
    public func handle(infno: String, body: Data) -> SandboxResponse {
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
                settlements[messageID] = Settlement(settlementID: settlementID, visitID: visit, personID: person, total: total, active: true)
            }
            return answer(["setlinfo": .object(split(total, useAccount: data["acct_used_flag"]?.text == "1", settlementID: settlementID, visitID: visit))])
        case "2208":
            guard let settlementID = data["setl_id"]?.text,
                let (messageID, settlement) = settlements.first(where: { $0.value.settlementID == settlementID && $0.value.active }).map({ ($0.key, $0.value) })
            else { return refuse("结算记录不存在或已撤销") }
            settlements[messageID]?.active = false
            var info = split(settlement.total, useAccount: true, settlementID: nextID("UNDO"), visitID: settlement.visitID)
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
            return answer(["setlinfo": .object(split(settlement.total, useAccount: true, settlementID: settlementID, visitID: settlement.visitID))])
        default:
            return refuse("the sandbox does not offer \(infno)")
        }
    }

    /// How many settlements are booked and not reversed or undone.
    public var activeSettlements: Int { settlements.values.filter(\.active).count }

    private func split(_ total: Amount, useAccount: Bool, settlementID: String?, visitID: String) -> [String: ConfigValue] {
        let fund = total.fen * 60 / 100
        let account = useAccount ? total.fen * 20 / 100 : 0
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
