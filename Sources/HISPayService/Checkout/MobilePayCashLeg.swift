import Foundation
import HISPayCore
import HISPayStore
import MedicalInsurance

/// How the cash part of a mobile-payment order is collected.
///
/// Two kinds exist. A *mixed order* (WeChat Pay `/v3/med-ins/orders`, Alipay medical createandpay)
/// carries the insurance order to the wallet, whose platform settles the insurance part with the
/// centre when the patient pays: ``settlesInsurance`` is true. A *plain payment* on any channel
/// only collects cash; the hospital then places the insurance payment itself (6202).
public protocol MobilePayCashLeg: Sendable {
    /// True when the wallet's platform settles the insurance part (a mixed order).
    var settlesInsurance: Bool { get }
    /// Places the cash leg for `order` under ``MobilePayOrder/cashOrderNo``. A timeout is
    /// `Outcome/unknown(_:)`: the checkout then queries, never places again under a new number.
    func place(_ order: MobilePayOrder) async throws -> Outcome<Payment>
    /// Where the cash leg placed under ``MobilePayOrder/cashOrderNo`` stands.
    func query(_ order: MobilePayOrder) async throws -> Outcome<Payment>
    /// Refunds the cash leg in full under `refundNo` after the centre refunded the insurance part
    /// (6203). Must be idempotent under `refundNo`: the checkout calls it again after a crash.
    func refund(_ order: MobilePayOrder, refundNo: String) async throws -> Outcome<Refund>
}

/// A plain payment on any `PaymentChannel` as the cash leg; the hospital places the insurance
/// payment (6202) itself.
public struct PlainCashLeg: MobilePayCashLeg {
    public let channel: any PaymentChannel
    public let scene: PaymentScene

    public init(channel: any PaymentChannel, scene: PaymentScene) {
        self.channel = channel
        self.scene = scene
    }

    public var settlesInsurance: Bool { false }

    public func place(_ order: MobilePayOrder) async throws -> Outcome<Payment> {
        try await channel.pay(PayRequest(outTradeNo: order.cashOrderNo, amount: order.split.cashPay, subject: order.subject, scene: scene))
    }

    public func query(_ order: MobilePayOrder) async throws -> Outcome<Payment> {
        try await channel.query(.outTradeNo(order.cashOrderNo))
    }

    /// Queries `refundNo` first; sends the refund only when the channel does not know it.
    public func refund(_ order: MobilePayOrder, refundNo: String) async throws -> Outcome<Refund> {
        try await channel.refundOnce(order: .outTradeNo(order.cashOrderNo), refundNo: refundNo, amount: order.split.cashPay, reason: "退费")
    }
}
