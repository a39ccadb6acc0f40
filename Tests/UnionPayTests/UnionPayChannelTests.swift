import Foundation
import HISPayCore
import HISPayCrypto
import HISPayTestSupport
import Testing
import UnionPay
import ZIPFoundation
import HISPayTesting

@Suite struct UnionPayChannelTests {
    func request(_ scene: PaymentScene) -> PayRequest {
        PayRequest(outTradeNo: "REG20261122001", amount: Amount(fen: 1230), subject: "门诊缴费", scene: scene)
    }

    let common = ["currencyCode": "156", "backUrl": "https://his.example/notify/unionpay", "orderId": "REG20261122001", "txnAmt": "1230"]
    func query(_ origRespCode: String, respCode: String = "00") -> [String: String] {
        ["txnType": "00", "txnSubType": "00", "respCode": respCode, "respMsg": "成功[0000000]", "origRespCode": origRespCode, "origRespMsg": "成功[0000000]",
         "orderId": "REG20261122001", "queryId": "782611221000001234567", "txnAmt": "1230", "txnTime": "20261122100000", "settleDate": "1122"]
    }
    let queryRequest = ["txnType": "00", "txnSubType": "00", "bizType": "000000", "orderId": "REG20261122001"]

    @Test func merchantPresentedQRCodeIsApplied() async throws {
        var script = try UnionPayScript()
        try script.expect("/gateway/api/backTransReq.do", common.merging(["txnType": "01", "txnSubType": "07", "bizType": "000000", "channelType": "08"]) { $1 },
                          answer: ["respCode": "00", "respMsg": "成功[0000000]", "orderId": "REG20261122001", "qrCode": "https://qr.95516.com/00010000/01116734856843478593541155930346"])
        let (channel, replay) = script.channel()
        let outcome = try await channel.pay(request(.qrCode))
        #expect(outcome.kind == .pending)
        #expect(outcome.value?.payerAction == .qrCode("https://qr.95516.com/00010000/01116734856843478593541155930346"))
        try replay.verifyAllUsed()
    }

    @Test func userPresentedCodeIsAcceptedNotPaidThenUnknownResolvedByQuery() async throws {
        var script = try UnionPayScript()
        let consume = common.merging(["txnType": "01", "txnSubType": "06", "bizType": "000000", "channelType": "08", "qrNo": "6220000000000000001"]) { $1 }
        try script.expect("/gateway/api/backTransReq.do", consume, answer: ["respCode": "00", "respMsg": "成功", "orderId": "REG20261122001", "queryId": "782611221000001234567"])
        try script.expect("/gateway/api/queryTrans.do", queryRequest, answer: query("00"))
        try script.expect("/gateway/api/backTransReq.do", consume, answer: ["respCode": "03", "respMsg": "交易通讯超时，请发起查询交易", "orderId": "REG20261122001"])
        try script.expect("/gateway/api/queryTrans.do", queryRequest, answer: query("05"))
        try script.expect("/gateway/api/queryTrans.do", queryRequest, answer: query("00"))
        let (channel, replay) = script.channel()
        let accepted = try await channel.pay(request(.barcode(authCode: "6220000000000000001")))
        #expect(accepted.kind == .pending)  // a back-end 00 is "accepted", not "paid"
        #expect(try await channel.query(.outTradeNo("REG20261122001")).kind == .success)
        let unknown = try await channel.pay(request(.barcode(authCode: "6220000000000000001")))
        #expect(unknown.kind == .unknown)
        #expect(unknown.status.code == "03")
        #expect(try await channel.query(.outTradeNo("REG20261122001")).kind == .pending)
        let resolved = try await channel.query(.outTradeNo("REG20261122001"))
        #expect(resolved.kind == .success)
        #expect(resolved.value?.transactionID == "782611221000001234567")
        #expect(UnionPayChannel.queryBackoff.first == .seconds(1))
        try replay.verifyAllUsed()
    }

    @Test func partialSuccessA6IsSuccessWithItsCode() async throws {
        var script = try UnionPayScript()
        try script.expect("/gateway/api/queryTrans.do", ["txnType": "00", "txnSubType": "00", "bizType": "000000", "queryId": "782611221000001234567"], answer: query("A6"))
        let (channel, _) = script.channel()
        let outcome = try await channel.query(.transactionID("782611221000001234567"))
        #expect(outcome.kind == .success)
        #expect(outcome.status.code == "A6")
    }

    @Test func undoAfterTheSettlementDayIsRefused() async throws {
        var script = try UnionPayScript()
        try script.expect("/gateway/api/queryTrans.do", ["txnType": "00", "txnSubType": "00", "bizType": "000000", "orderId": "REG20261122001", "txnTime": "20261121093000"], answer: query("00"))
        try script.expect("/gateway/api/backTransReq.do", ["txnType": "31", "txnSubType": "00", "bizType": "000201", "channelType": "07", "origQryId": "782611221000001234567",
                                                          "orderId": "REG20261122001U", "txnAmt": "1230", "backUrl": "https://his.example/notify/unionpay"],
                          answer: ["respCode": "12", "respMsg": "原交易不是当天交易，不能撤销[2051105]", "orderId": "REG20261122001U"])
        let (channel, replay) = script.channel()
        let yesterday = try #require(BeijingTime.parse("2026-11-21 09:30:00"))
        let refused = try await channel.reverse(OrderReference(outTradeNo: "REG20261122001", transactionID: "782611221000001234567", requestTime: yesterday))
        #expect(refused.kind == .failure)
        #expect(refused.status.code == "12")
        try replay.verifyAllUsed()
    }

    @Test func refundsArePartialUnderNewOrderIDsAndNeverAboveTheOriginal() async throws {
        var script = try UnionPayScript()
        try script.expect("/gateway/api/backTransReq.do", ["txnType": "04", "txnSubType": "00", "bizType": "000201", "channelType": "07", "origQryId": "782611221000001234567",
                                                          "orderId": "RF20261122001", "txnAmt": "500", "backUrl": "https://his.example/notify/unionpay"],
                          answer: ["respCode": "00", "respMsg": "成功[0000000]", "orderId": "RF20261122001", "queryId": "782611221100001234599"])
        let (channel, replay) = script.channel()
        let refund = try await channel.refund(RefundRequest(order: .transactionID("782611221000001234567"), outRefundNo: "RF20261122001", refundAmount: Amount(fen: 500), totalAmount: Amount(fen: 1230)))
        #expect(refund.kind == .pending)
        #expect(refund.value?.refundID == "782611221100001234599")
        try replay.verifyAllUsed()
        await #expect(throws: ChannelError(.invalidRequest, reason: "")) {
            try await channel.refund(RefundRequest(order: .transactionID("782611221000001234567"), outRefundNo: "RF20261122002", refundAmount: Amount(fen: 1231), totalAmount: Amount(fen: 1230)))
        }
        await #expect(throws: ChannelError(.invalidRequest, reason: "")) {
            try await channel.refund(RefundRequest(order: .transactionID("782611221000001234567"), outRefundNo: "RF-2026_1", refundAmount: Amount(fen: 1), totalAmount: Amount(fen: 1230)))
        }
    }

    @Test func preAuthorisationFreezeCompleteAndUndo() async throws {
        var script = try UnionPayScript()
        try script.expect("/gateway/api/backTransReq.do", ["txnType": "02", "txnSubType": "04", "bizType": "000000", "channelType": "08", "qrNo": "6220000000000000001",
                                                          "orderId": "DEP20261122001", "txnAmt": "300000", "currencyCode": "156", "backUrl": "https://his.example/notify/unionpay"],
                          answer: ["respCode": "00", "respMsg": "成功", "orderId": "DEP20261122001", "queryId": "782611221000009999999"])
        try script.expect("/gateway/api/backTransReq.do", ["txnType": "03", "txnSubType": "00", "bizType": "000201", "channelType": "07", "origQryId": "782611221000009999999",
                                                          "orderId": "DIS20261130001", "txnAmt": "246850", "backUrl": "https://his.example/notify/unionpay"],
                          answer: ["respCode": "00", "respMsg": "成功", "orderId": "DIS20261130001", "queryId": "783011301500001111111"])
        try script.expect("/gateway/api/backTransReq.do", ["txnType": "32", "txnSubType": "00", "bizType": "000201", "channelType": "07", "origQryId": "782611221000009999999",
                                                          "orderId": "DEP20261122001R", "txnAmt": "53150", "backUrl": "https://his.example/notify/unionpay"],
                          answer: ["respCode": "00", "respMsg": "成功", "orderId": "DEP20261122001R"])
        let (channel, replay) = script.channel()
        let frozen = try await channel.freeze(FreezeRequest(outOrderNo: "DEP20261122001", outRequestNo: "DEP20261122001", amount: Amount(fen: 300_000), title: "住院预交金", authCode: "6220000000000000001"))
        let authNo = try #require(frozen.value?.authorizationID)
        #expect(try await channel.capture(CaptureRequest(authorizationID: authNo, outTradeNo: "DIS20261130001", amount: Amount(fen: 246_850), subject: "出院结算")).kind == .pending)
        #expect(try await channel.release(ReleaseRequest(authorizationID: authNo, outRequestNo: "DEP20261122001R", amount: Amount(fen: 53_150), remark: "退还")).kind == .pending)
        try replay.verifyAllUsed()
    }

    @Test func frontConsumeIsAnAutoSubmittingSignedForm() async throws {
        let (channel, _) = try UnionPayScript().channel()
        guard case .htmlForm(let html)? = try await channel.pay(request(.h5(clientIP: "14.23.150.211"))).value?.payerAction else {
            Issue.record("expected an HTML form")
            return
        }
        #expect(html.contains(#"action="https://gateway.test.95516.com/gateway/api/frontTransReq.do""#))
        #expect(html.contains(#"name="certId" value="69903319369""#))
        #expect(html.contains(#"name="frontUrl" value="https://his.example/pay/return""#))
        #expect(html.contains("onload=\"document.forms[0].submit()\""))
    }

    @Test func tamperedAnswerIsRejected() async throws {
        var script = try UnionPayScript()
        try script.expect("/gateway/api/queryTrans.do", ["txnType": "00", "txnSubType": "00", "bizType": "000000", "queryId": "782611221000001234567"], answer: query("00"))
        let original = String(decoding: script.interactions[0].response.body!.data, as: UTF8.self)
        script.interactions[0].response.body = Cassette.Body(Data(original.replacingOccurrences(of: "txnAmt=1230", with: "txnAmt=1").utf8))
        let (channel, _) = script.channel()
        await #expect(throws: ChannelError(.signatureInvalid, reason: "")) { try await channel.query(.transactionID("782611221000001234567")) }
    }

    @Test func reconciliationFileIsDecodedFromItsTransferEnvelope() async throws {
        let archive = try Archive(data: Data(), accessMode: .create)
        let zm = Data("ZM line\r\n".utf8)
        try archive.addEntry(with: "INN26112288ZM_777290058167151", type: .file, uncompressedSize: Int64(zm.count)) { position, size in
            zm.subdata(in: Int(position)..<Int(position) + size)
        }
        let zip = try #require(archive.data)
        var script = try UnionPayScript()
        try script.expect("/", ["txnType": "76", "txnSubType": "01", "bizType": "000000", "fileType": "00", "settleDate": "1122"],
                          answer: ["respCode": "00", "respMsg": "成功", "fileName": "777290058167151_20261122.zip", "fileContent": try UnionPayFileContent.encode(zip)],
                          base: "https://filedownload.test.95516.com")
        let (channel, replay) = script.channel()
        let file = try await channel.downloadStatement(StatementRequest(date: "2026-11-22"))
        #expect(file.contents == zip)
        try replay.verifyAllUsed()
        #expect(throws: ChannelError(.invalidResponse, reason: "")) { try UnionPayFileContent.decode("bm90IHpsaWI=") }
    }
}
