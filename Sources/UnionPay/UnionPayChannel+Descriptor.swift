import HISPayCore

extension UnionPayChannel {
    /// UnionPay for the channel registry. The channel verifies its own notifications, refusing a
    /// front (browser) notification, which is never proof of payment.
    public static let descriptor = ChannelDescriptor(
        id: .unionPay, name: "unionpay", summary: "UnionPay ACP gateway and QR", displayName: LocalizedText(zh: "银联", en: "UnionPay"), accountKey: "merId",
        makeChannel: { setup in UnionPayChannel(configuration: try UnionPayConfiguration(block: setup.block), transport: setup.transports.transport(), time: setup.time) },
        statementParser: UnionPayStatementParser(),
        explainSignature: { setup, input in
            let configuration = try UnionPayConfiguration(block: setup.block)
            let signed = try configuration.signer.sign(try input.flatParameters(), now: input.now)
            var fields = ["stringToSign": signed.stringToSign, "signature": signed.fields["signature"] ?? ""]
            fields["certId"] = signed.fields["certId"]
            return fields
        },
        // The ZM file of a settlement day is made in UnionPay's early-morning batch; 09:00 leaves it time
        // (open.unionpay.com FAQ "对账文件什么时候能下载？", linked from the ACP demo's file_transfer page).
        statementPublicationHour: 9,
        // Requests and notifications alike are application/x-www-form-urlencoded (UnionPay ACP SDK, acp_sdk.properties / AcpService).
        callbackMediaTypes: ["application/x-www-form-urlencoded"])
}
