import HISPayCore

/// The platform's answer for one uploaded fee line (2204 `result`): its amount and policy split
/// (binzhe12123/Medical `SY.Com.Medical.Model/SYB/YBJS/ZJ2204.cs`, `Out2204.Result`).
public struct FeeDetailResult: Sendable, Hashable {
    /// `feedetl_sn`.
    public var serial: String
    /// `det_item_fee_sumamt`.
    public var amount: Amount
    /// `fulamt_ownpay_amt`, `overlmt_amt`, `preselfpay_amt`, `inscp_scp_amt` (zero where absent).
    public var policy: PolicyAmounts
    /// `chrgitm_lv`: 01 甲类, 02 乙类, 03 丙类.
    public var chargeLevel: String?

    init(_ fields: [String: ConfigValue]) throws(ChannelError) {
        guard let serial = fields["feedetl_sn"]?.text else { throw ChannelError(.invalidResponse, channel: .insurance, reason: "2204 result lacks feedetl_sn") }
        self.serial = serial
        do { amount = try NHSAAmount.parse(fields["det_item_fee_sumamt"] ?? .null) } catch {
            throw ChannelError(.invalidResponse, channel: .insurance, reason: "2204 result \(serial) det_item_fee_sumamt: \(error)")
        }
        var filled = fields
        for key in ["fulamt_ownpay_amt", "overlmt_amt", "preselfpay_amt", "inscp_scp_amt"] where filled[key] == nil || filled[key] == .null {
            filled[key] = .number("0")
        }
        guard let policy = try PolicyAmounts(filled, overLimitKey: "overlmt_amt") else {
            throw ChannelError(.invalidResponse, channel: .insurance, reason: "2204 result \(serial) lacks its policy amounts")
        }
        self.policy = policy
        chargeLevel = fields["chrgitm_lv"]?.text
    }
}
