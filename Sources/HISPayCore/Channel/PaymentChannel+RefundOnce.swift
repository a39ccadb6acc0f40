extension PaymentChannel {
    /// Refunds an order in full exactly once under `refundNo`: asks for the refund first and sends
    /// it only when the channel does not know it (a refund resent under the same number is
    /// idempotent on every channel, so a lost answer costs nothing).
    public func refundOnce(order: OrderReference, refundNo: String, amount: Amount, reason: String?) async throws -> Outcome<Refund> {
        let known = try await queryRefund(RefundReference(outRefundNo: refundNo, order: order))
        if known.kind == .success || known.kind == .pending { return known }
        return try await refund(RefundRequest(order: order, outRefundNo: refundNo, refundAmount: amount, totalAmount: amount, reason: reason))
    }
}
