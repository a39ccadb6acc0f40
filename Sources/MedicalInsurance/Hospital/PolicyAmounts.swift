import HISPayCore

/// The policy split of a bill the platform computes per fee line (2204 `result`) and per settlement
/// (2206/2207 `setlinfo`), and 2207 requires back as input (binzhe12123/Medical
/// `SY.Com.Medical.Model/SYB/YBJS/JS2207.cs`: all four `Y`).
public struct PolicyAmounts: Sendable, Hashable, Codable {
    /// `fulamt_ownpay_amt` 全自费金额.
    public var fullOwnPay: Amount
    /// `overlmt_selfpay` 超限价自费 (`overlmt_amt` per 2204 line).
    public var overLimitSelfPay: Amount
    /// `preselfpay_amt` 先行自付金额.
    public var preSelfPay: Amount
    /// `inscp_scp_amt` 符合政策范围金额.
    public var inPolicyScope: Amount

    public init(fullOwnPay: Amount, overLimitSelfPay: Amount, preSelfPay: Amount, inPolicyScope: Amount) {
        self.fullOwnPay = fullOwnPay
        self.overLimitSelfPay = overLimitSelfPay
        self.preSelfPay = preSelfPay
        self.inPolicyScope = inPolicyScope
    }

    /// Reads the four from an object whose over-limit key is `overLimitKey`; nil when any is absent.
    init?(_ fields: [String: ConfigValue], overLimitKey: String = "overlmt_selfpay") throws(ChannelError) {
        var amounts: [Amount] = []
        for key in ["fulamt_ownpay_amt", overLimitKey, "preselfpay_amt", "inscp_scp_amt"] {
            guard let value = fields[key], value != .null else { return nil }
            do { amounts.append(try NHSAAmount.parse(value)) } catch {
                throw ChannelError(.invalidResponse, channel: .insurance, reason: "\(key): \(error)")
            }
        }
        self.init(fullOwnPay: amounts[0], overLimitSelfPay: amounts[1], preSelfPay: amounts[2], inPolicyScope: amounts[3])
    }

    /// The sum of per-line amounts (2204 results) as a bill's.
    public static func sum(_ parts: [PolicyAmounts]) throws -> PolicyAmounts {
        PolicyAmounts(
            fullOwnPay: try Amount.sum(parts.map(\.fullOwnPay)), overLimitSelfPay: try Amount.sum(parts.map(\.overLimitSelfPay)),
            preSelfPay: try Amount.sum(parts.map(\.preSelfPay)), inPolicyScope: try Amount.sum(parts.map(\.inPolicyScope)))
    }

    var fields: [String: ConfigValue] {
        [
            "fulamt_ownpay_amt": .number(fullOwnPay.yuanString), "overlmt_selfpay": .number(overLimitSelfPay.yuanString),
            "preselfpay_amt": .number(preSelfPay.yuanString), "inscp_scp_amt": .number(inPolicyScope.yuanString),
        ]
    }
}
