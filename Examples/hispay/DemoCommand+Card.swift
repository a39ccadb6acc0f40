import Foundation
import HISPay

extension DemoCommand {
    /// An inpatient's card stay on the hospital card (院内一卡通), its top-up and withdrawal on WeChat
    /// Pay: opened, topped up ¥500.00 by QR (credited only once WeChat Pay's callback is recorded),
    /// two fees paid from it and one partly refunded to it, then at discharge the balance sent back
    /// to WeChat Pay as a refund of the top-up. Returns the card, for the evening's reconciliation.
    func cardStay(_ day: inout Day, store: SQLPaymentStore, wechat: JournaledChannel, notify: String) async throws -> HospitalCardChannel {
        let card = HospitalCardChannel(ledger: try await CardLedger(store: store, merchant: "sandbox"))
        let journaled = JournaledChannel(card, store: store, merchant: "sandbox")
        _ = try await card.open(cardNo: "C-0001", patientID: "ZY-0001", idNumber: "11010519491231002X")
        _ = try await card.startTopUp(cardNo: "C-0001", channel: .wechatPay, orderNo: "TOPUP-0001", amount: Amount(fen: 50_000))
        _ = try await wechat.pay(PayRequest(outTradeNo: "TOPUP-0001", amount: Amount(fen: 50_000), subject: "一卡通充值", scene: .qrCode, notifyURL: notify))
        let before = try await card.balance(cardNo: "C-0001").balance
        var credited = Amount.zero
        for _ in 0..<50 where credited == .zero {
            try await Task.sleep(for: .milliseconds(100))
            try await card.applyEvents(from: store)
            credited = try await card.balance(cardNo: "C-0001").balance
        }
        day.check(.cardToppedUp, before == .zero && credited == Amount(fen: 50_000))

        func fee(_ number: String, _ fen: Int64) async throws -> Outcome<Payment>.Kind {
            try await journaled.pay(PayRequest(outTradeNo: number, amount: Amount(fen: fen), subject: "住院费用", scene: .barcode(authCode: "C-0001"))).kind
        }
        let paid = [try await fee("CARDFEE-001", 12_000), try await fee("CARDFEE-002", 8_050)]
        let refused = try await fee("CARDFEE-003", 40_000)  // more than the ¥299.50 left: refused, nothing debited
        let afterFees = try await card.balance(cardNo: "C-0001").balance
        day.check(.cardFeesPaid, paid == [.success, .success] && refused == .failure && afterFees == Amount(fen: 29_950))
        let refund = try await journaled.refund(
            RefundRequest(order: .outTradeNo("CARDFEE-001"), outRefundNo: "CARDFEE-001-R1", refundAmount: Amount(fen: 2_000), totalAmount: Amount(fen: 12_000)))
        let afterRefund = try await card.balance(cardNo: "C-0001").balance
        day.check(.cardFeeRefunded, refund.kind == .success && afterRefund == Amount(fen: 31_950))

        let withdrawal = try await card.withdraw(cardNo: "C-0001", withdrawalNo: "DISCHARGE-0001", channels: [.wechatPay: wechat], notifyURLs: [.wechatPay: notify])
        day.check(
            .cardWithdrawn,
            withdrawal.total(.refunded) == Amount(fen: 31_950) && withdrawal.parts.map(\.topUpOrderNo) == ["TOPUP-0001"]
                && withdrawal.account.balance == .zero && withdrawal.account.held == .zero)
        say("Hospital card: C-0001 topped up ¥500.00 by WeChat Pay, ¥200.50 of fees paid (¥20.00 refunded to it, one fee refused for want of balance), ¥319.50 back to WeChat Pay at discharge")
        return card
    }
}
