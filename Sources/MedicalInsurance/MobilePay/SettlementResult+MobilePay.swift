import HISPayCore

extension SettlementResult {
    /// Reads the split a mobile-payment answer (6201, 6202, 6301) or notification carries — yuan on
    /// the wire: `feeSumamt` (total), `fundPay`, `psnAcctPay`, `ownPayAmt` (cash; `ownpayAmt` in
    /// some centres) — and checks `total = fund + account + cash`. Throws
    /// `ChannelError/Code/invalidResponse` naming the missing field or the identity that fails.
    public init(mobilePay data: [String: ConfigValue]) throws(ChannelError) {
        func amount(_ keys: String...) throws(ChannelError) -> Amount {
            guard let key = keys.first(where: { data[$0] != nil && data[$0] != .null }), let value = data[key] else {
                throw ChannelError(.invalidResponse, channel: .insurance, reason: "mobile-pay answer lacks \(keys[0])")
            }
            do { return try NHSAAmount.parse(value) } catch {
                throw ChannelError(.invalidResponse, channel: .insurance, reason: "mobile-pay \(key): \(error)")
            }
        }
        let account = try amount("psnAcctPay")
        let cash = try amount("ownPayAmt", "ownpayAmt")
        guard let personal = try? Amount.sum([account, cash]) else {
            throw ChannelError(.invalidResponse, channel: .insurance, reason: "mobile-pay psnAcctPay + ownPayAmt overflows")
        }
        self.init(
            visitID: data["extData"]?.objectValue["mdtrtId"]?.text ?? data["mdtrtId"]?.text,
            total: try amount("feeSumamt", "medfeeSumamt"), fundPay: try amount("fundPay"), personalPart: personal,
            accountPay: account, cashPay: cash, settledAt: data["setlTime"]?.text.flatMap(BeijingTime.parse))
        try checkIdentities()
    }
}
