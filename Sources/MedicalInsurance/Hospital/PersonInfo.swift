import HISPayCore

/// 1101 answer: the insured person and their insurance records with personal-account balances.
public struct PersonInfo: Sendable, Hashable {
    public struct Insurance: Sendable, Hashable {
        public var insuranceType: String
        /// `balc`: the personal-account balance.
        public var balance: Amount
        public var insuredArea: String?
    }

    public var personID: String
    public var name: String
    public var insurances: [Insurance]

    init(output: [String: ConfigValue]) throws(ChannelError) {
        let base = output["baseinfo"]?.objectValue ?? [:]
        guard let personID = base["psn_no"]?.text else { throw ChannelError(.invalidResponse, channel: .insurance, reason: "1101 answer lacks baseinfo.psn_no") }
        self.personID = personID
        name = base["psn_name"]?.text ?? ""
        var insurances: [Insurance] = []
        for item in output["insuinfo"]?.arrayValue ?? [] {
            let fields = item.objectValue
            let balance: Amount
            do { balance = try NHSAAmount.parse(fields["balc"] ?? .number("0")) } catch {
                throw ChannelError(.invalidResponse, channel: .insurance, reason: "1101 insuinfo.balc: \(error)")
            }
            insurances.append(Insurance(insuranceType: fields["insutype"]?.text ?? "", balance: balance, insuredArea: fields["insuplc_admdvs"]?.text))
        }
        self.insurances = insurances
    }
}
