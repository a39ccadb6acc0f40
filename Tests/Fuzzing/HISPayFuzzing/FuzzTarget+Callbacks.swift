import Alipay
import Foundation
import HISPayCore
import HISPayCrypto
import MedicalInsurance
import UnionPay
import WeChatPay

/// The callback targets. Each first feeds the raw input to the channel's handler, which must refuse
/// it (an input nobody signed is never a payment); then, where the input parses, it signs it as the
/// channel would and feeds it again, so the code behind the signature check is fuzzed too.
extension FuzzTarget {
    /// WeChat Pay APIv3: mode bit 0 clear — the input is a notification body, signed by the harness;
    /// set — the input is the decrypted resource, sealed with the APIv3 key into a
    /// `TRANSACTION.SUCCESS` (bit 1 clear) or `REFUND.SUCCESS` notification and signed.
    public static let wechatPayV3Callback = FuzzTarget(
        name: "wechatpay-v3-callback", summary: "WeChatPayV3CallbackHandler: signature over the raw body, AES-256-GCM resource, normalization"
    ) { data in
        let input = FuzzInput(data)
        let body: Data
        if input.mode & 1 == 0 {
            body = input.payload
        } else {
            let event = input.mode & 2 == 0 ? ("TRANSACTION.SUCCESS", "transaction") : ("REFUND.SUCCESS", "refund")
            let nonce = "fuzzNonce012"
            let key = Handlers.shared.apiV3Key
            guard let ciphertext = try? key.seal(input.payload, nonce: nonce, associatedData: event.1) else { preconditionFailure("APIv3 seal failed") }
            body = Data(#"{"id":"EV-FUZZ","create_time":"2026-11-22T10:00:00+08:00","resource_type":"encrypt-resource","event_type":"\#(event.0)","summary":"fuzz","resource":{"original_type":"\#(event.1)","algorithm":"AEAD_AES_256_GCM","ciphertext":"\#(ciphertext)","associated_data":"\#(event.1)","nonce":"\#(nonce)"}}"#.utf8)
        }
        let keys = FuzzKeys.shared
        let timestamp = String(Int64(FuzzKeys.now.timeIntervalSince1970))
        var message = Data("\(timestamp)\nfuzz\n".utf8)
        message.append(body)
        message.append(0x0A)
        guard let signature = try? keys.platformKey.rsaSignature(for: message) else { preconditionFailure("RSA signing failed") }
        let request = { (signature: [UInt8]) in
            CallbackRequest(
                path: "/notify/wechatpay",
                headers: [
                    "Wechatpay-Timestamp": timestamp, "Wechatpay-Nonce": "fuzz", "Wechatpay-Serial": keys.platformKeyID,
                    "Wechatpay-Signature": Base64.encode(signature), "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
                ],
                body: body)
        }
        mustRefuse { () throws(ChannelError) in _ = try Handlers.shared.wechatPayV3.handle(request(signature.reversed()), now: FuzzKeys.now) }
        return accepted { () throws(ChannelError) in try Handlers.shared.wechatPayV3.handle(request(signature), now: FuzzKeys.now) }
    }

    /// WeChat Pay APIv2: mode bit 0 clear — the input is a notification's XML, fed raw, then re-signed
    /// with the API key; set — the input is a refund notification's `req_info` plaintext, encrypted
    /// with the key's MD5 as WeChat Pay does.
    public static let wechatPayV2Callback = FuzzTarget(
        name: "wechatpay-v2-callback", summary: "WeChatPayV2CallbackHandler: XML, MD5 signature, AES-256-ECB req_info"
    ) { data in
        let input = FuzzInput(data)
        let handler = Handlers.shared.wechatPayV2
        let keys = FuzzKeys.shared
        if input.mode & 1 == 1 {
            guard let sealed = try? BlockCipher(.aes256ECB, key: Handlers.shared.wechatPayV2RefundKey).encrypt(Array(input.payload)) else {
                preconditionFailure("AES-256-ECB encryption failed")
            }
            let fields = ["return_code": "SUCCESS", "appid": "wxfuzz", "mch_id": keys.merchantID, "nonce_str": "fuzz", "req_info": Base64.encode(sealed)]
            return accepted { () throws(ChannelError) in try handler.handle(CallbackRequest(path: "/notify/wechatpay-v2", body: WeChatPayV2XML.build(fields))) }
        }
        mustRefuse { () throws(ChannelError) in _ = try handler.handle(CallbackRequest(path: "/notify/wechatpay-v2", body: input.payload)) }
        guard var fields = try? WeChatPayV2XML.parse(input.payload), fields["req_info"] == nil else { return .rejected("not v2 XML") }
        fields["sign"] = nil
        guard let sign = try? handler.signer.sign(fields) else { return .rejected("cannot be signed") }
        fields["sign"] = sign
        return accepted { () throws(ChannelError) in try handler.handle(CallbackRequest(path: "/notify/wechatpay-v2", body: WeChatPayV2XML.build(fields))) }
    }

    /// Alipay: the input is a form body, fed raw, then signed RSA2 with the harness's "Alipay" key.
    public static let alipayCallback = FuzzTarget(
        name: "alipay-callback", summary: "AlipayNotificationHandler: form decoding, RSA2 over the sorted fields, normalization"
    ) { data in
        let handler = Handlers.shared.alipay
        mustRefuse { () throws(ChannelError) in _ = try handler.handle(CallbackRequest(path: "/notify/alipay", body: data)) }
        guard var fields = try? AlipayForm.decode(data) else { return .rejected("not a form") }
        let content = AlipaySignContent.make(fields, excluding: ["sign", "sign_type"])
        guard let signature = try? FuzzKeys.shared.alipayKey.rsaSignature(for: Array(content.utf8)) else { preconditionFailure("RSA signing failed") }
        fields["sign"] = Base64.encode(signature)
        return accepted { () throws(ChannelError) in
            try handler.handle(CallbackRequest(path: "/notify/alipay", body: Data(AlipayForm.encode(fields).utf8)))
        }
    }

    /// UnionPay: the input is a back notification's form body, fed raw, then signed with the
    /// harness's certificate (carried in `signPubKeyCert`, chain-checked).
    public static let unionPayCallback = FuzzTarget(
        name: "unionpay-callback", summary: "UnionPayNotificationHandler: form decoding, certificate chain, SHA-256 RSA signature, normalization"
    ) { data in
        let handler = Handlers.shared.unionPay
        mustRefuse { () throws(ChannelError) in _ = try handler.handle(CallbackRequest(path: "/notify/unionpay", body: data), now: FuzzKeys.now) }
        guard var fields = try? UnionPayMessage.parseForm(data) else { return .rejected("not a form") }
        let keys = FuzzKeys.shared
        fields["signMethod"] = "01"
        fields["signPubKeyCert"] = keys.unionPayCertificate.pemRepresentation
        guard let digest = try? DigestAlgorithm.sha256.hash(UnionPayMessage.stringToSign(fields)),
            let signature = try? keys.unionPayKey.rsaSignature(for: Array(Hex.encode(digest).utf8))
        else { preconditionFailure("UnionPay signing failed") }
        fields["signature"] = Base64.encode(signature)
        return accepted { () throws(ChannelError) in
            try handler.handle(CallbackRequest(path: "/notify/unionpay", body: UnionPayMessage.formBody(fields)), now: FuzzKeys.now)
        }
    }

    /// UnionPay synchronous answers: the `key=value&…` text with `{…}`/`[…]` groups.
    public static let unionPayResponse = FuzzTarget(
        name: "unionpay-response", summary: "UnionPayMessage.parseResponse: the gateway's answer text"
    ) { data in
        outcome { () throws(ChannelError) in _ = try UnionPayMessage.parseResponse(data) }
    }

    /// The mobile-payment centre's settlement notification: the input, fed raw, then (when it is
    /// JSON) sealed by the harness as the centre's SM4/SM2 envelope of that data.
    public static let insuranceCallback = FuzzTarget(
        name: "insurance-callback", summary: "MobilePayNotificationHandler: envelope JSON, SM4 decryption, SM2 signature, normalization"
    ) { data in
        let handlers = Handlers.shared
        mustRefuse { () throws(ChannelError) in _ = try handlers.mobilePay.handle(CallbackRequest(path: "/notify/insurance", body: data)) }
        guard let value = ConfigValue.decode(data) else { return .rejected("not JSON") }
        guard let sealed = try? MobilePayEnvelope.seal(value, credentials: handlers.mobilePayCentre, timestamp: "1795312800000") else {
            return .rejected("cannot be sealed")
        }
        return accepted { () throws(ChannelError) in
            try handlers.mobilePay.handle(CallbackRequest(path: "/notify/insurance", body: Data(sealed.envelope.jsonText().utf8)))
        }
    }

    /// The handlers, built once from ``FuzzKeys``.
    private struct Handlers: Sendable {
        static let shared: Handlers = {
            do { return try Handlers(FuzzKeys.shared) } catch { preconditionFailure("fuzz handlers could not be made: \(error)") }
        }()

        let apiV3Key: APIv3Key
        let wechatPayV3: WeChatPayV3CallbackHandler
        let wechatPayV2: WeChatPayV2CallbackHandler
        let wechatPayV2RefundKey: [UInt8]
        let alipay: AlipayNotificationHandler
        let unionPay: UnionPayNotificationHandler
        let mobilePay: MobilePayNotificationHandler
        let mobilePayCentre: MobilePayCredentials

        init(_ keys: FuzzKeys) throws {
            apiV3Key = try APIv3Key(keys.apiV3Key)
            wechatPayV3 = WeChatPayV3CallbackHandler(
                verifier: WeChatPayV3Verifier(keys: PlatformKeys(publicKeyID: keys.platformKeyID, publicKey: try keys.platformKey.publicKey)),
                apiV3Key: apiV3Key, merchantIDs: [keys.merchantID])
            wechatPayV2 = try WeChatPayV2CallbackHandler(apiKey: keys.apiV2Key, signType: .md5, merchantID: keys.merchantID)
            wechatPayV2RefundKey = Array(Hex.encode(try DigestAlgorithm.md5.hash(keys.apiV2Key)).utf8)
            alipay = AlipayNotificationHandler(verifier: AlipayVerifier(alipayPublicKey: try keys.alipayKey.publicKey), appID: keys.alipayAppID)
            unionPay = UnionPayNotificationHandler(
                verifier: UnionPayVerifier(roots: [keys.unionPayRoot], middles: [keys.unionPayMiddle]), merchantID: keys.unionPayMerchantID)
            mobilePay = MobilePayNotificationHandler(
                credentials: MobilePayCredentials(
                    appID: keys.mobilePayAppID, appSecret: keys.mobilePayAppSecret, privateKey: keys.mobilePayHospitalKey,
                    platformPublicKey: try keys.mobilePayCentreKey.publicKey))
            mobilePayCentre = MobilePayCredentials(
                appID: keys.mobilePayAppID, appSecret: keys.mobilePayAppSecret, privateKey: keys.mobilePayCentreKey,
                platformPublicKey: try keys.mobilePayHospitalKey.publicKey)
        }
    }
}

/// Runs a handler on an input nobody signed: accepting it would be accepting a forged callback.
func mustRefuse(_ body: () throws(ChannelError) -> Void) {
    do { try body() } catch { return }
    preconditionFailure("a callback without a valid signature was accepted")
}

/// The outcome of a signed callback: accepted only as a well-formed event — an amount, when it
/// carries one, that is not negative, and an order number unless it is an `other` event (a verified
/// notification of a kind not modelled, which may name no order).
func accepted(_ body: () throws(ChannelError) -> VerifiedCallback) -> FuzzOutcome {
    do {
        let verified = try body()
        // Genuine but another merchant's: recorded quarantined, never applied.
        if let reason = verified.quarantine { return .rejected("quarantined: \(reason)") }
        let event = verified.event
        precondition(!(event.amount?.isNegative ?? false), "a callback was accepted with a negative amount")
        precondition(!event.outTradeNo.isEmpty || event.kind == .other, "a payment event was accepted without an order number")
        return .accepted
    } catch {
        return .rejected(error.description)
    }
}

/// The outcome of a parse or verification that throws only ``ChannelError``.
func outcome(_ body: () throws(ChannelError) -> Void) -> FuzzOutcome {
    do {
        try body()
        return .accepted
    } catch {
        return .rejected(error.description)
    }
}
