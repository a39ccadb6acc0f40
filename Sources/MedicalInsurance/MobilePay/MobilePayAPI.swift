import HISPayCore

/// One transaction of the NHSA mobile-payment centre: its code, the path public clients post it to,
/// and the business fields it cannot go without — checked before anything is sent, so a request the
/// centre would refuse fails here with an error naming the field (never its value: `idNo` is a
/// resident ID number).
///
/// Paths as public hospital-side clients post them (`/org/local/api/hos/uldFeeInfo`, `/pay_order`,
/// `/refund_Order`, `/query_order_info`, `/revoke_order`); a region that differs names its own in
/// `insurance.mobilePay.paths`. Required fields from the field lists public implementations send
/// (reference/unionpay-nhsa-sm.md §2.5 and the issue's comparison with them).
package struct MobilePayAPI: Sendable, Hashable, CustomStringConvertible {
    /// `6201`, `6202`, …
    package let code: String
    package let name: String
    package let defaultPath: String
    /// Fields that must be present and non-empty.
    package let required: [String]
    /// Groups of which at least one field must be present (6203: `payAuthNo` or `ecToken`).
    package let anyOf: [[String]]
    /// Fields that must be `yyyyMMddHHmmss` (14 digits).
    package let compactTimes: [String]

    /// 6201 费用明细上传: answers `payOrdId`, `payToken`, `extData.mdtrtId` and the split.
    package static let uploadFees = MobilePayAPI(
        code: "6201", name: "费用明细上传", defaultPath: "/org/local/api/hos/uldFeeInfo",
        required: ["orgCodg", "medOrgOrd", "payAuthNo", "psnNo", "insutype", "idNo", "idType", "userName", "medfeeSumamt", "chrgBchno", "feeType"])
    /// 6202 支付下单: pays the insurance part of an uploaded order.
    package static let placeOrder = MobilePayAPI(
        code: "6202", name: "支付下单", defaultPath: "/org/local/api/hos/pay_order",
        required: ["payOrdId", "payToken", "payAuthNo", "orgCodg", "orgBizSer", "chrgBchno", "feeType", "mdtrtId"])
    /// 6203 医保退费: refunds the fund, personal-account and cash parts.
    package static let refund = MobilePayAPI(
        code: "6203", name: "医保退费", defaultPath: "/org/local/api/hos/refund_Order",
        required: ["payOrdId", "appRefdSn", "appRefdTime", "totlRefdAmt", "psnAcctRefdAmt", "fundRefdAmt", "cashRefdAmt", "refdType"],
        anyOf: [["payAuthNo", "ecToken"]], compactTimes: ["appRefdTime"])
    /// 6301 医保订单结算结果查询: the order's `ordStas`.
    package static let queryOrder = MobilePayAPI(
        code: "6301", name: "医保订单结算结果查询", defaultPath: "/org/local/api/hos/query_order_info",
        required: ["payOrdId", "orgCodg", "payToken", "idNo", "userName", "idType"])
    /// 6401 费用明细上传撤销: undoes an unpaid upload.
    package static let undoUpload = MobilePayAPI(
        code: "6401", name: "费用明细上传撤销", defaultPath: "/org/local/api/hos/revoke_order",
        required: ["payOrdId", "orgCodg", "payToken", "idNo", "userName", "idType"])

    /// Every transaction, by code.
    package static let all: [String: MobilePayAPI] = Dictionary(
        uniqueKeysWithValues: [uploadFees, placeOrder, refund, queryOrder, undoUpload].map { ($0.code, $0) })

    init(code: String, name: String, defaultPath: String, required: [String], anyOf: [[String]] = [], compactTimes: [String] = []) {
        self.code = code
        self.name = name
        self.defaultPath = defaultPath
        self.required = required
        self.anyOf = anyOf
        self.compactTimes = compactTimes
    }

    /// Throws `ChannelError/Code/invalidRequest` naming the first field `data` lacks or has in the
    /// wrong form.
    package func validate(_ data: ConfigValue) throws(ChannelError) {
        let fields = data.objectValue
        func present(_ key: String) -> Bool { fields[key]?.text.map { !$0.isEmpty } ?? false }
        if let missing = required.first(where: { !present($0) }) {
            throw ChannelError(.invalidRequest, channel: .insurance, reason: "\(self) requires \(missing)")
        }
        if let group = anyOf.first(where: { !$0.contains(where: present) }) {
            throw ChannelError(.invalidRequest, channel: .insurance, reason: "\(self) requires \(group.joined(separator: " or "))")
        }
        for key in compactTimes {
            let text = fields[key]?.text ?? ""
            guard text.utf8.count == 14, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
                throw ChannelError(.invalidRequest, channel: .insurance, reason: "\(self) \(key) must be yyyyMMddHHmmss (14 digits)")
            }
        }
    }

    package var description: String { "\(code) (\(name))" }
}
