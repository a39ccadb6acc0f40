import HISPayCore

extension AlipayChannel {
    /// Places an NHSA online order with its cash part (`alipay.commerce.medical.payment.createandpay`)
    /// after checking its split. A business refusal (`result_code` without `data`) is a failure;
    /// accepted orders are pending with the Alipay page the patient pays
    /// on (`PayerAction.redirect`); a timeout is unknown — query by `outTradeNo` with
    /// ``query(_:)``, never place the order again under a new number.
    public func createMedicalPayment(_ order: AlipayMedicalOrder) async throws -> Outcome<Payment> {
        try order.validate()
        let method = "alipay.commerce.medical.payment.createandpay"
        let answer = try await call(method, order.bizContent, notify: configuration.notifyURL, operation: .pay)
        guard let fields = answer.success else { return answer.outcome() }
        if fields["data"] == nil, let resultCode = fields["result_code"] as? String {
            // A business refusal (e.g. the NHSA order expired): nothing was collected.
            return .failure(ChannelStatus(code: resultCode, message: fields["error_message"] as? String, httpStatus: answer.status.httpStatus))
        }
        guard let data = fields["data"] as? [String: Any], let payURL = data["pay_url"] as? String, !payURL.isEmpty else {
            throw ChannelError(.invalidResponse, channel: id, operation: .pay, reason: "\(method) answer lacks data.pay_url")
        }
        if let echoed = data["out_trade_no"] as? String, echoed != order.outTradeNo {
            throw ChannelError(.invalidResponse, channel: id, operation: .pay, reason: "\(method) answered for order \(echoed), not \(order.outTradeNo)")
        }
        let payment = Payment(
            outTradeNo: order.outTradeNo, transactionID: data["chnl_ord_sn"] as? String, amount: order.cash,
            payerAction: .redirect(payURL))
        let status = ChannelStatus(code: data["status"] as? String ?? answer.status.code, message: answer.status.message, httpStatus: answer.status.httpStatus)
        return .pending(payment, status)
    }
}
