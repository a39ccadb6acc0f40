import Foundation
import HISPayCore

extension WeChatPayV3Channel {
    /// WeChat Pay APIv3 for the channel registry. The verifier is the channel itself when the block
    /// holds the merchant's signing key (it can then download platform certificates it does not
    /// know yet), and the verify-only handler (`platformCertificates`/`platformPublicKey`,
    /// `apiV3Key`) when it does not.
    public static let descriptor = ChannelDescriptor(
        id: .wechatPay, name: "wechatpay", summary: "WeChat Pay APIv3", displayName: LocalizedText(zh: "微信支付", en: "WeChat Pay"), accountKey: "mchId",
        makeChannel: make,
        makeVerifier: { setup in
            if setup.block.has("privateKey") { return try make(setup) }
            let handler = try WeChatPayV3Configuration.callbackHandler(block: setup.block)
            return CallbackVerification(
                id: .wechatPay, time: setup.time, verify: { try handler.handle($0, now: $1) }, rejection: { _ in WeChatPayV3CallbackHandler.rejection() })
        },
        statementParser: WeChatPayStatementParser(),
        explainSignature: { setup, input in
            let method = try input.require(input.method, "method", "url")
            let url = try input.require(input.url, "method", "url")
            let signed = try WeChatPayV3Configuration.signer(block: setup.block).sign(
                method: method.uppercased(), canonicalURL: WeChatPayV3Signer.canonicalURL(of: url), body: input.body ?? Data(),
                timestamp: input.timestamp ?? Int64(setup.time.now().timeIntervalSince1970), nonce: input.nonce ?? RandomNonceSource().nextNonce())
            return ["stringToSign": signed.stringToSign, "signature": signed.signature, "authorization": signed.authorization]
        },
        // "微信支付在每日10点后生成昨日交易账单文件" (https://pay.weixin.qq.com/docs/merchant/apis/in-app-payment/get-trade-bill.html).
        statementPublicationHour: 10,
        // "回调通知的请求主体中会包含JSON格式的通知参数" (https://pay.weixin.qq.com/doc/v3/merchant/4012791861, 支付成功回调通知).
        callbackMediaTypes: ["application/json"])

    private static func make(_ setup: ChannelSetup) throws -> WeChatPayV3Channel {
        WeChatPayV3Channel(
            configuration: try WeChatPayV3Configuration(block: setup.block), transport: setup.transports.transport(), time: setup.time, logger: setup.logger)
    }
}
