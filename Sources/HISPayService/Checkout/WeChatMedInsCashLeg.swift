import Foundation
import HISPayCore
import HISPayStore
import MedicalInsurance
import WeChatPay

/// A WeChat Pay medical-insurance mixed order as the cash leg of a ``MobilePayCheckout``: the
/// cash part is prepaid as a JSAPI order, then `/v3/med-ins/orders` carries the centre's order
/// (`payOrdId`, `payAuthNo`) and the split; WeChat settles the insurance part with the centre when
/// the patient pays. Refunds go cash first (`/v3/refund/domestic/refunds`), then the insurance
/// refund notice (`/v3/med-ins/refunds/notify`) under the same refund number.
public struct WeChatMedInsCashLeg: MobilePayCashLeg {
    /// The patient and institution details a mixed order carries besides the centre's order.
    public struct Details: Sendable {
        /// The business kind, e.g. `REG_PAY` or `DIAG_PAY`.
        public var orderType: String
        /// The payer's openid under the configured appid (the mini-program or official account).
        public var payer: JSAPIPayer
        public var patient: WeChatMedInsOrder.Patient
        public var relative: WeChatMedInsOrder.Patient?
        public var cityID: String
        public var institutionName: String
        public var institutionCode: String
        public var callbackURL: String
        /// "longitude,latitude" of the patient, also passed through to the centre as `setlLatlnt`.
        public var geoLocation: String?
        public var insuranceTestEnvironment: Bool

        public init(
            orderType: String, payer: JSAPIPayer, patient: WeChatMedInsOrder.Patient, relative: WeChatMedInsOrder.Patient? = nil,
            cityID: String, institutionName: String, institutionCode: String, callbackURL: String, geoLocation: String? = nil,
            insuranceTestEnvironment: Bool = false
        ) {
            self.orderType = orderType
            self.payer = payer
            self.patient = patient
            self.relative = relative
            self.cityID = cityID
            self.institutionName = institutionName
            self.institutionCode = institutionCode
            self.callbackURL = callbackURL
            self.geoLocation = geoLocation
            self.insuranceTestEnvironment = insuranceTestEnvironment
        }
    }

    public let channel: WeChatPayV3Channel
    public let details: Details

    public init(channel: WeChatPayV3Channel, details: Details) {
        self.channel = channel
        self.details = details
    }

    public var settlesInsurance: Bool { true }

    /// Prepays the cash part (when there is one), then places the mixed order. Pending with the
    /// JSAPI parameters the patient's page calls to pay.
    public func place(_ order: MobilePayOrder) async throws -> Outcome<Payment> {
        let cash = order.split.cashPay
        var action: PayerAction?
        var prepayID: String?
        if cash.fen > 0 {
            let prepay = try await channel.pay(PayRequest(outTradeNo: order.cashOrderNo, amount: cash, subject: order.subject, scene: .jsapi(details.payer)))
            guard case .pending(let payment?, _) = prepay, case .jsapiParameters(let parameters)? = payment.payerAction,
                let package = parameters["package"], package.hasPrefix("prepay_id=")
            else { return prepay }
            action = payment.payerAction
            prepayID = String(package.dropFirst("prepay_id=".count))
        }
        let passthrough = ConfigValue.object([
            "payAuthNo": .string(order.payAuthNo), "payOrdId": .string(order.payOrderID), "setlLatlnt": .string(details.geoLocation ?? ""),
        ])
        let placed = try await channel.placeMedInsOrder(WeChatMedInsOrder(
            mixPayType: cash.fen > 0 ? .cashAndInsurance : .insuranceOnly, orderType: details.orderType, openID: details.payer.payerID,
            payer: details.patient, relative: details.relative, outTradeNo: order.cashOrderNo, serialNo: order.billID,
            payOrderID: order.payOrderID, payAuthNo: order.payAuthNo, geoLocation: details.geoLocation, cityID: details.cityID,
            institutionName: details.institutionName, institutionCode: details.institutionCode, split: split(order),
            callbackURL: details.callbackURL, prepayID: prepayID, passthroughRequestContent: passthrough.jsonText(),
            insuranceTestEnvironment: details.insuranceTestEnvironment))
        return placed.map { status in payment(status, order, action: action) }
    }

    public func query(_ order: MobilePayOrder) async throws -> Outcome<Payment> {
        try await channel.queryMedInsOrder(outTradeNo: order.cashOrderNo).map { payment($0, order, action: nil) }
    }

    /// Refunds the cash part (queried first, so a resent refund is not sent twice), then tells
    /// WeChat the centre refunded the insurance part.
    public func refund(_ order: MobilePayOrder, refundNo: String) async throws -> Outcome<Refund> {
        let cash = order.split.cashPay
        if cash.fen > 0 {
            let refunded = try await channel.refundOnce(order: .outTradeNo(order.cashOrderNo), refundNo: refundNo, amount: cash, reason: "退费")
            guard refunded.kind == .success || refunded.kind == .pending else { return refunded }
        }
        let placed = try await channel.queryMedInsOrder(outTradeNo: order.cashOrderNo)
        guard let mixTradeNo = placed.value?.mixTradeNo else {
            return .unknown(ChannelStatus(code: placed.status.code, message: "the mixed order could not be found to notify its insurance refund"))
        }
        let split = order.split
        let insurance = try Amount.sum([split.fundPay, split.accountPay])
        let notice = WeChatMedInsRefundNotice(
            mixTradeNo: mixTradeNo, outRefundNo: refundNo, total: insurance, fund: split.fundPay, personalAccount: split.accountPay,
            refundedAt: channel.time.now())
        return try await channel.notifyMedInsRefund(notice).map { _ in Refund(outRefundNo: refundNo, amount: cash) }
    }

    /// The centre's split in WeChat's terms; the insurance cash part is all WeChat collects.
    private func split(_ order: MobilePayOrder) -> WeChatMedInsSplit {
        let split = order.split
        return WeChatMedInsSplit(
            total: split.total, fund: split.fundPay, personalAccount: split.accountPay, insuranceCash: split.cashPay, wechatPayCash: split.cashPay)
    }

    private func payment(_ status: WeChatMedInsOrderStatus, _ order: MobilePayOrder, action: PayerAction?) -> Payment {
        Payment(outTradeNo: order.cashOrderNo, transactionID: status.mixTradeNo, amount: order.split.cashPay, paidAt: status.paidAt, payerAction: action)
    }
}
