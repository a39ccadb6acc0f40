import Foundation
import HISPayCore

/// An NHSA online order paid through Alipay (`alipay.commerce.medical.payment.createandpay`,
/// 国家医保局线上业务下单支付): the insurance part settled under the NHSA `payOrderID`/`payAuthNo`
/// (Alipay hands out `pay_auth_no` when the patient authorises), the cash part (`real_amount`)
/// collected by Alipay on the page it returns.
public struct AlipayMedicalOrder: Sendable {
    /// Who pays: an Alipay user id (`2088…`) or, for newer apps, an `open_id`.
    public enum Buyer: Sendable, Hashable {
        case userID(String)
        case openID(String)
    }

    public var outTradeNo: String
    /// The hospital's order number sent to the NHSA as `medOrgOrd` (6201).
    public var medOrgOrd: String
    public var payOrderID: String
    public var payAuthNo: String
    public var buyer: Buyer
    /// The whole bill (`total_amount`).
    public var total: Amount
    /// The pooled fund part (`gov_amount`, 统筹).
    public var fund: Amount
    /// The personal-account part (`account_amount`, 个账).
    public var personalAccount: Amount
    /// Other funds (`other_amount`).
    public var other: Amount
    /// What the patient pays in cash through Alipay (`real_amount`).
    public var cash: Amount
    /// The institution code the NHSA assigned (`org_no`).
    public var institutionCode: String
    public var institutionName: String
    public var cityCode: String
    /// Where Alipay sends the patient back after paying (`call_url`).
    public var returnURL: String?
    public var createdAt: Date

    public init(
        outTradeNo: String, medOrgOrd: String, payOrderID: String, payAuthNo: String, buyer: Buyer, total: Amount,
        fund: Amount, personalAccount: Amount, other: Amount = .zero, cash: Amount, institutionCode: String,
        institutionName: String, cityCode: String, returnURL: String? = nil, createdAt: Date
    ) {
        self.outTradeNo = outTradeNo
        self.medOrgOrd = medOrgOrd
        self.payOrderID = payOrderID
        self.payAuthNo = payAuthNo
        self.buyer = buyer
        self.total = total
        self.fund = fund
        self.personalAccount = personalAccount
        self.other = other
        self.cash = cash
        self.institutionCode = institutionCode
        self.institutionName = institutionName
        self.cityCode = cityCode
        self.returnURL = returnURL
        self.createdAt = createdAt
    }

    /// Checks that no part is negative and that `total = fund + personalAccount + other + cash`;
    /// the error names both sides.
    public func validate() throws(ChannelError) {
        let parts = [("total_amount", total), ("gov_amount", fund), ("account_amount", personalAccount), ("other_amount", other), ("real_amount", cash)]
        if let negative = parts.first(where: { $0.1.isNegative }) {
            throw ChannelError(.invalidRequest, channel: .alipay, reason: "medical order \(negative.0) is negative (\(negative.1))")
        }
        let sum = try? Amount.sum([fund, personalAccount, other, cash])
        guard sum == total else {
            throw ChannelError(
                .invalidRequest, channel: .alipay,
                reason: "medical order split does not add up: total_amount \(total) ≠ gov + account + other + real = \(sum.map(\.description) ?? "overflow")")
        }
    }

    /// The `biz_content` fields, amounts as yuan text.
    var bizContent: [String: Any] {
        var biz: [String: Any] = [
            "out_trade_no": outTradeNo, "med_org_ord": medOrgOrd, "pay_order_id": payOrderID, "pay_auth_no": payAuthNo,
            "total_amount": total.yuanString, "gov_amount": fund.yuanString, "account_amount": personalAccount.yuanString,
            "other_amount": other.yuanString, "real_amount": cash.yuanString, "org_no": institutionCode,
            "merchant_name": institutionName, "payment_city_code": cityCode, "gmt_out_create": BeijingTime.format(createdAt),
        ]
        switch buyer {
        case .userID(let id): biz["alipay_user_id"] = id
        case .openID(let id): biz["open_id"] = id
        }
        if let returnURL { biz["call_url"] = returnURL }
        return biz
    }
}
