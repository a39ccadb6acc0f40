import Foundation
import HISPayCore
import HISPayCrypto
import MedicalInsurance

/// The NHSA mobile-payment centre as the adapter uses it (`POST {gateway}/{api}` with the SM4-encrypted,
/// SM2-signed envelope; answers sealed the same way with the centre's key): 6201 fee upload (the
/// sandbox's split rule: fund 60 %, personal account 20 %, cash the rest), 6202 payment order, 6203
/// refund, 6301 order status (`ordStas`), 6401 upload undo.
public actor MobilePayCentreSimulator {
    struct Order {
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

    /// Answers one call to `api` (the last path component) with its envelope `body`.
    public func handle(api: String, body: Data) -> SandboxResponse {
        guard let envelope = ConfigValue.decode(body)?.objectValue else { return reply(code: "-1", message: "not JSON") }
        let data: [String: ConfigValue]
        do { data = try MobilePayEnvelope.open(envelope, credentials: credentials).objectValue } catch {
            return reply(code: "-1", message: "envelope refused: \(error.reason)")
        }
        let payOrderID = data["payOrdId"]?.text ?? ""
        switch api {
        case "6201":
            guard let totalText = data["medfeeSumamt"]?.text, let total = try? Amount(yuan: totalText), total.fen > 0, data["payAuthNo"]?.text != nil else {
                return reply(code: "-1", message: "medfeeSumamt and payAuthNo are required")
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
            return reply(code: "-1", message: "the sandbox does not offer \(api)")
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

    /// `{"code", "message", "success"}` plus, on success, the sealed data.
    private func reply(_ data: [String: ConfigValue] = [:], code: String = "0", message: String = "成功") -> SandboxResponse {
        var answer: [String: ConfigValue] = [:]
        if code == "0", let sealed = try? MobilePayEnvelope.seal(.object(data), credentials: credentials, timestamp: String(Int64(Date().timeIntervalSince1970 * 1000))) {
            answer = sealed.envelope.objectValue
        }
        answer["code"] = .number(code)
        answer["message"] = .string(message)
        answer["success"] = .bool(code == "0")
        return SandboxResponse(status: 200, headers: [("Content-Type", "application/json;charset=utf-8")], body: Data(ConfigValue.object(answer).jsonText().utf8))
    }

    private func nextID(_ prefix: String) -> String {
        sequence += 1
        return prefix + String(format: "%014d", sequence)
    }
}
