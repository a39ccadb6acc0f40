import HISPayCore

/// How a WeChat Pay medical-insurance mixed order (`/v3/med-ins/orders`) divides its total, in fen.
///
/// Two identities hold for every valid split, and ``validate()`` checks both:
/// - `total = fund + personalAccount + other + wechatPayCash + Σ cashReduce`
/// - `wechatPayCash = insuranceCash + Σ cashAdd − Σ cashReduce`
///
/// `fund` (`med_ins_gov_fee`) is the pooled fund (统筹, NHSA `fund_pay_sumamt`), `personalAccount`
/// (`med_ins_self_fee`) the personal account (个账, `acct_pay`), `insuranceCash` (`med_ins_cash_fee`) the cash the insurance settlement leaves to the patient
/// (`psn_cash_pay`); additions (e.g. freight) and reductions (e.g. hospital discount, deposit
/// deduction) adjust what WeChat Pay actually collects.
public struct WeChatMedInsSplit: Sendable, Hashable {
    /// One cash addition or reduction: its WeChat type (`FREIGHT`, `DEFAULT_REDUCE_TYPE`, …) and amount.
    public struct Adjustment: Sendable, Hashable {
        public let type: String
        public let amount: Amount
        public init(type: String, amount: Amount) {
            self.type = type
            self.amount = amount
        }
    }

    /// `total_fee`: the whole bill.
    public let total: Amount
    public let fund: Amount
    public let personalAccount: Amount
    public let other: Amount
    public let insuranceCash: Amount
    public let wechatPayCash: Amount
    public let cashAdd: [Adjustment]
    public let cashReduce: [Adjustment]

    public init(
        total: Amount, fund: Amount, personalAccount: Amount, other: Amount = .zero, insuranceCash: Amount,
        wechatPayCash: Amount, cashAdd: [Adjustment] = [], cashReduce: [Adjustment] = []
    ) {
        self.total = total
        self.fund = fund
        self.personalAccount = personalAccount
        self.other = other
        self.insuranceCash = insuranceCash
        self.wechatPayCash = wechatPayCash
        self.cashAdd = cashAdd
        self.cashReduce = cashReduce
    }

    /// Checks both identities and that no part is negative; the error names the identity that
    /// fails and both sides of it.
    public func validate() throws(ChannelError) {
        let parts: [(String, Amount)] = [
            ("total_fee", total), ("med_ins_gov_fee", fund), ("med_ins_self_fee", personalAccount), ("med_ins_other_fee", other),
            ("med_ins_cash_fee", insuranceCash), ("wechat_pay_cash_fee", wechatPayCash),
        ] + cashAdd.map { ("cash_add_fee", $0.amount) } + cashReduce.map { ("cash_reduce_fee", $0.amount) }
        if let negative = parts.first(where: { $0.1.isNegative }) {
            throw mismatch("\(negative.0) is negative (\(negative.1.fen) fen)")
        }
        // Sums are overflow-checked: numbers from an answer must not be able to crash the process.
        guard let added = try? Amount.sum(cashAdd.map(\.amount)), let reduced = try? Amount.sum(cashReduce.map(\.amount)),
            let parted = try? Amount.sum([fund, personalAccount, other, wechatPayCash, reduced]),
            let cash = try? insuranceCash.adding(added).subtracting(reduced)
        else { throw mismatch("the parts overflow a 64-bit amount") }
        guard total == parted else {
            throw mismatch("total_fee \(total.fen) ≠ gov + self + other + wechat_pay_cash + Σreduce = \(parted.fen) fen")
        }
        guard wechatPayCash == cash else {
            throw mismatch("wechat_pay_cash_fee \(wechatPayCash.fen) ≠ med_ins_cash + Σadd − Σreduce = \(cash.fen) fen")
        }
    }

    private func mismatch(_ reason: String) -> ChannelError {
        ChannelError(.invalidRequest, channel: .wechatPay, reason: "medical-insurance split does not add up: \(reason)")
    }
}
