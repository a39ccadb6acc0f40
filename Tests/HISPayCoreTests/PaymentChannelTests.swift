import Foundation
import HISPayCore
import Testing

/// A channel that only pays and queries: everything else must fail as unsupported.
struct CounterOnlyChannel: PaymentChannel {
    let id = ChannelID("counter-test")
    let capabilities = ChannelCapabilities(operations: [.pay, .query], scenes: [.barcode])

    func pay(_ request: PayRequest) async throws -> Outcome<Payment> {
        try capabilities.require(request.scene.kind, on: id)
        return .pending(Payment(outTradeNo: request.outTradeNo), ChannelStatus(code: "USERPAYING"))
    }

    func query(_ order: OrderReference) async throws -> Outcome<Payment> {
        .success(Payment(outTradeNo: order.outTradeNo ?? "", transactionID: "T1", amount: Amount(fen: 1230)), ChannelStatus(code: "SUCCESS"))
    }
}

@Suite struct PaymentChannelTests {
    let channel = CounterOnlyChannel()

    @Test func unsupportedOperationsThrowTypedErrors() async throws {
        let order = OrderReference.outTradeNo("REG1")
        await #expect(throws: ChannelError.unsupported(.refund, on: channel.id)) {
            try await channel.refund(RefundRequest(order: order, outRefundNo: "R1", refundAmount: Amount(fen: 1), totalAmount: Amount(fen: 1)))
        }
        await #expect(throws: ChannelError.unsupported(.freeze, on: channel.id)) {
            try await channel.freeze(FreezeRequest(outOrderNo: "A1", outRequestNo: "A1-1", amount: Amount(fen: 100_000), title: "住院预交金"))
        }
        do {
            _ = try await channel.close(order)
            Issue.record("close should be unsupported")
        } catch let error as ChannelError {
            #expect(error.operation == .close)
            #expect(error.channel == channel.id)
            #expect(!error.isRetrySafe)
        }
        #expect(!channel.capabilities.supportsPreAuthorization)
    }

    @Test func unsupportedSceneIsATypedError() async {
        await #expect(throws: ChannelError(.unsupportedOperation, reason: "")) {
            try await channel.pay(PayRequest(outTradeNo: "REG2", amount: Amount(fen: 1), subject: "挂号", scene: .qrCode))
        }
    }

    @Test func outcomesCarryTheRawStatus() async throws {
        let pending = try await channel.pay(
            PayRequest(outTradeNo: "REG3", amount: Amount(fen: 1230), subject: "挂号", scene: .barcode(authCode: "134567890123456789")))
        #expect(pending.kind == .pending)
        #expect(pending.needsQuery)
        #expect(pending.status.code == "USERPAYING")
        let paid = try await channel.query(.outTradeNo("REG3"))
        #expect(paid.kind == .success)
        #expect(paid.value?.amount == Amount(fen: 1230))
        #expect(paid.map(\.transactionID).value == "T1")
        let unknown = Outcome<Payment>.unknown(ChannelStatus(code: "SYSTEMERROR", httpStatus: 500))
        #expect(unknown.needsQuery)
        #expect(unknown.value == nil)
        #expect(unknown.status.description == "http=500 code=SYSTEMERROR")
    }

    @Test func callbackRejectionDefaultsToPlain400() {
        let response = channel.callbackRejection(reason: "signature invalid")
        #expect(response.status == 400)
        #expect(response.text == "signature invalid")
    }

    @Test func statementDatesAreValidated() throws {
        #expect(try StatementRequest(date: "2026-11-21").date == "2026-11-21")
        for bad in ["2026-13-01", "20261121", "2026-1-21", "yyyy-mm-dd", "2026-11-21 "] {
            #expect(throws: ChannelError(.invalidRequest, reason: "")) { try StatementRequest(date: bad) }
        }
    }
}
