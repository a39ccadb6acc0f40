import Alipay
import Foundation
import HISPayCore
import HISPayStore
import MedicalInsurance

/// An Alipay medical order (`alipay.commerce.medical.payment.createandpay`) as the cash leg of a
/// ``MobilePayCheckout``: Alipay settles the insurance part under the centre's order when the
/// patient pays the cash part on the page it returns. The order is followed with
/// `alipay.trade.query` and its cash part refunded with `alipay.trade.refund`.
public struct AlipayMedicalCashLeg: MobilePayCashLeg {
    /// The patient and institution details a medical order carries besides the centre's order.
    public struct Details: Sendable {
        public var buyer: AlipayMedicalOrder.Buyer
        public var institutionCode: String
        public var institutionName: String
        public var cityCode: String
        /// Where Alipay sends the patient back after paying.
        public var returnURL: String?

        public init(buyer: AlipayMedicalOrder.Buyer, institutionCode: String, institutionName: String, cityCode: String, returnURL: String? = nil) {
            self.buyer = buyer
            self.institutionCode = institutionCode
            self.institutionName = institutionName
            self.cityCode = cityCode
            self.returnURL = returnURL
        }
    }

    public let channel: AlipayChannel
    public let details: Details
    private let time: any TimeSource

    public init(channel: AlipayChannel, details: Details, time: any TimeSource = SystemTimeSource()) {
        self.channel = channel
        self.details = details
        self.time = time
    }

    public var settlesInsurance: Bool { true }

    public func place(_ order: MobilePayOrder) async throws -> Outcome<Payment> {
        let split = order.split
        return try await channel.createMedicalPayment(AlipayMedicalOrder(
            outTradeNo: order.cashOrderNo, medOrgOrd: order.billID, payOrderID: order.payOrderID, payAuthNo: order.payAuthNo,
            buyer: details.buyer, total: split.total, fund: split.fundPay, personalAccount: split.accountPay, cash: split.cashPay,
            institutionCode: details.institutionCode, institutionName: details.institutionName, cityCode: details.cityCode,
            returnURL: details.returnURL, createdAt: time.now()))
    }

    public func query(_ order: MobilePayOrder) async throws -> Outcome<Payment> {
        try await channel.query(.outTradeNo(order.cashOrderNo))
    }

    /// Refunds the cash part (queried first, so a resent refund is not sent twice); nothing to do
    /// for an order without one.
    public func refund(_ order: MobilePayOrder, refundNo: String) async throws -> Outcome<Refund> {
        guard order.split.cashPay.fen > 0 else { return .success(Refund(outRefundNo: refundNo, amount: .zero), ChannelStatus(code: "NO_CASH_PART")) }
        return try await channel.refundOnce(order: .outTradeNo(order.cashOrderNo), refundNo: refundNo, amount: order.split.cashPay, reason: "退费")
    }
}
