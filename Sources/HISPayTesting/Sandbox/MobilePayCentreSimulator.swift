import Foundation
import HISPayCore
import HISPayCrypto
import MedicalInsurance

/// The NHSA mobile-payment centre as public hospital-side clients find it: the documented paths
/// (`/org/local/api/hos/uldFeeInfo` 6201 fee upload — the sandbox's split rule: fund 60 %, personal
/// account 20 %, cash the rest — `/pay_order` 6202, `/refund_Order` 6203, `/query_order_info` 6301
/// `ordStas`, `/revoke_order` 6401), each request an SM4-encrypted envelope signed under the
/// appSecret as SM2 ID and refused when it lacks a field the centre requires; answers signed by the
/// centre over every top-level field (`code`, `message`, `success` included), with `encType`/
/// `signType` in lower case as the platform utility's copy in newtouch-cloud/openhis-itaii
/// (`openhis-ybapp/.../utils/HseEncAndDecUtil.java`) writes them.
public actor MobilePayCentreSimulator {
    struct Order: Codable {
        var payOrderID: String
        var total: Amount
        var status: String
    }

    /// The centre's side of the envelope: its private key, the hospital's public key.
    private let credentials: MobilePayCredentials
    private var orders: [String: Order] = [:]  // by payOrdId
    private var refunds: Set<String> = []
    private var sequence: Int

    public init(keys: SandboxKeys, seed: Int = 1) throws {
        credentials = MobilePayCredentials(
            appID: keys.mobilePayAppID, appSecret: keys.mobilePayAppSecret, privateKey: keys.mobilePayCentreKey,
            platformPublicKey: try keys.mobilePayHospitalKey.publicKey)
        sequence = seed * 1_000_000
    }

    /// The centre's paths and what each requires, as public clients send them: transaction code,
    /// required fields, fields of which one is required, `yyyyMMddHHmmss` fields.
    static let contract: [String: (api: String, required: [String], anyOf: [String], compactTime: String?)] = [
        "/org/local/api/hos/uldFeeInfo": (
            "6201", ["orgCodg", "medOrgOrd", "payAuthNo", "psnNo", "insutype", "idNo", "idType", "userName", "medfeeSumamt", "chrgBchno", "feeType"], [], nil
        ),
        "/org/local/api/hos/pay_order": ("6202", ["payOrdId", "payToken", "payAuthNo", "orgCodg", "orgBizSer", "chrgBchno", "feeType", "mdtrtId"], [], nil),
        "/org/local/api/hos/refund_Order": ("6203", ["payOrdId", "appRefdSn", "appRefdTime", "totlRefdAmt", "refdType"], ["payAuthNo", "ecToken"], "appRefdTime"),
        "/org/local/api/hos/query_order_info": ("6301", ["payOrdId", "orgCodg", "payToken", "idNo", "userName", "idType"], [], nil),
        "/org/local/api/hos/revoke_order": ("6401", ["payOrdId", "orgCodg", "payToken", "idNo", "userName", "idType"], [], nil),
    ]

    /// Answers one request to `path` (after the sandbox's `/mobilepay` prefix) with its envelope `body`.
    public func handle(path: String, body: Data) -> SandboxResponse {
        guard let contract = Self.contract[path] else { return reply(code: "-1", message: "no such interface: \(path)") }
        guard let envelope = ConfigValue.decode(body)?.objectValue else { return reply(code: "-1", message: "not JSON") }
        let data: [String: ConfigValue]
        do {
            let opened = try MobilePayEnvelope.open(envelope, credentials: credentials)
            // The centre checks the hospital's signature under the appSecret as SM2 ID only.
            guard opened.signerID == .appSecret else { return reply(code: "-1", message: "验签失败: signed under \(opened.signerID), not the appSecret") }
            data = opened.data.objectValue
        } catch {
            return reply(code: "-1", message: "envelope refused: \(error.reason)")
        }
        if let missing = contract.required.first(where: { (data[$0]?.text ?? "").isEmpty }) { return reply(code: "-1", message: "\(missing)不能为空") }
        if !contract.anyOf.isEmpty, !contract.anyOf.contains(where: { !(data[$0]?.text ?? "").isEmpty }) {
            return reply(code: "-1", message: "\(contract.anyOf.joined(separator: "、"))不能同时为空")
        }
        if let key = contract.compactTime, let text = data[key]?.text, text.count != 14 || !text.allSatisfy(\.isNumber) {
            return reply(code: "-1", message: "\(key)格式应为yyyyMMddHHmmss")
        }
        let payOrderID = data["payOrdId"]?.text ?? ""
        switch contract.api {
        case "6201":
            guard let totalText = data["medfeeSumamt"]?.text, let total = try? Amount(yuan: totalText), total.fen > 0 else {
                return reply(code: "-1", message: "medfeeSumamt必须为正数")
            }
            let id = nextID("ORD")
            orders[id] = Order(payOrderID: id, total: total, status: "1")
            return reply(split(total).merging(["payOrdId": .string(id), "payToken": .string(nextID("TK")), "extData": .object(["mdtrtId": .string(nextID("V"))])]) { $1 })
        case "6202":
            guard let order = orders[payOrderID], order.status == "1" else { return reply(code: "-1", message: "订单不存在或状态不允许支付") }
            orders[payOrderID]?.status = "6"
            return reply(split(order.total).merging(["payOrdId": .string(payOrderID), "ordStas": .string("6")]) { $1 })
        case "6203":
            guard let order = orders[payOrderID], order.status == "6", let refundNo = data["appRefdSn"]?.text, !refunds.contains(refundNo) else {
                return reply(code: "-1", message: "订单不可退款或已退款")
            }
            refunds.insert(refundNo)
            orders[payOrderID]?.status = "7"
            return reply(["payOrdId": .string(payOrderID), "refStatus": .string("SUCC"), "totlRefdAmt": .number(order.total.yuanString)])
        case "6301":
            guard let order = orders[payOrderID] else { return reply(code: "-1", message: "订单不存在") }
            return reply(["payOrdId": .string(payOrderID), "ordStas": .string(order.status)])
        case "6401":
            guard orders[payOrderID]?.status == "1" else { return reply(code: "-1", message: "订单状态不允许撤销") }
            orders[payOrderID]?.status = "12"
            return reply(["payOrdId": .string(payOrderID)])
        default:
            return reply(code: "-1", message: "the sandbox does not offer \(contract.api)")
        }
    }

    /// Settles an uploaded order's insurance part on a wallet's behalf (WeChat Pay's mixed order pays
    /// it when the patient pays); false unless the order awaits payment.
    @discardableResult
    public func settleByWallet(payOrderID: String) -> Bool {
        guard orders[payOrderID]?.status == "1" else { return false }
        orders[payOrderID]?.status = "6"
        return true
    }

    /// How many orders are paid (insurance part taken) and not refunded.
    public var paidOrders: Int { orders.values.filter { $0.status == "6" }.count }

    private func split(_ total: Amount) -> [String: ConfigValue] {
        let fund = total.fen * 60 / 100
        let account = total.fen * 20 / 100
        return [
            "feeSumamt": .number(total.yuanString), "fundPay": .number(Amount(fen: fund).yuanString),
            "psnAcctPay": .number(Amount(fen: account).yuanString), "ownPayAmt": .number(Amount(fen: total.fen - fund - account).yuanString),
        ]
    }

    /// `{"code", "message", "success"}` plus, on success, the sealed data — the signature covering
    /// those three fields too, `encType`/`signType` in lower case.
    private func reply(_ data: [String: ConfigValue] = [:], code: String = "0", message: String = "成功") -> SandboxResponse {
        let status: [String: ConfigValue] = ["code": .number(code), "message": .string(message), "success": .bool(code == "0")]
        var answer = status
        if code == "0",
            let sealed = try? MobilePayEnvelope.seal(
                .object(data), credentials: credentials, timestamp: String(Int64(Date().timeIntervalSince1970 * 1000)),
                extraFields: status.merging(["encType": .string("sm4"), "signType": .string("sm2")]) { $1 })
        {
            answer = sealed.envelope.objectValue
        }
        return SandboxResponse.json(.object(answer))
    }

    private func nextID(_ prefix: String) -> String {
        sequence += 1
        return prefix + String(format: "%014d", sequence)
    }

    // MARK: - Kept across restarts (`SandboxOrderStore`)

    /// Every order and refund, and where the ids have got to.
    struct Saved: Codable, Sendable {
        var orders: [String: Order]
        var refunds: Set<String>
        var sequence: Int
    }

    func saved() -> Saved { Saved(orders: orders, refunds: refunds, sequence: sequence) }

    func restore(_ saved: Saved) { (orders, refunds, sequence) = (saved.orders, saved.refunds, saved.sequence) }
}
