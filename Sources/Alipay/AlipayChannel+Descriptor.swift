import HISPayCore

extension AlipayChannel {
    /// Alipay for the channel registry. The verifier is the channel itself when the block holds the
    /// app's private key (it then also answers service-window gateway messages, which must be
    /// signed), and the verify-only notification handler when it does not.
    public static let descriptor = ChannelDescriptor(
        id: .alipay, name: "alipay", summary: "Alipay OpenAPI gateway and service window (生活号)",
        displayName: LocalizedText(zh: "支付宝", en: "Alipay"), accountKey: "appId",
        makeChannel: make,
        makeVerifier: { setup in
            if setup.block.has("privateKey") { return try make(setup) }
            let handler = try AlipayConfiguration.notificationHandler(block: setup.block)
            return CallbackVerification(id: .alipay, time: setup.time, verify: { request, _ in try handler.handle(request) }, rejection: { _ in AlipayNotificationHandler.rejection })
        },
        statementParser: AlipayStatementParser(),
        explainSignature: { setup, input in
            let signed = try AlipayConfiguration.signer(block: setup.block).sign(try input.flatParameters())
            return ["stringToSign": signed.content, "signature": signed.signature]
        },
        // "当日数据一般于次日 9 点前生成" (alipay/alipay-sdk-java-all v3/docs/AlipayDataDataserviceBillDownloadurlApi.md).
        statementPublicationHour: 9,
        // "支付宝是用 POST 方式发送通知信息 … request.Form" (https://opendocs.alipay.com/open/270/105902, 异步通知说明).
        callbackMediaTypes: ["application/x-www-form-urlencoded"])

    private static func make(_ setup: ChannelSetup) throws -> AlipayChannel {
        AlipayChannel(configuration: try AlipayConfiguration(block: setup.block), transport: setup.transports.transport(), time: setup.time)
    }
}
