import Foundation
import HISPay
import HISPayTesting

/// The benchmark's inputs, made once from the sandbox's test keys and written to a directory so the
/// peers (`scripts/bench-peers.py`) work on exactly the same bytes: the keys in PEM/hex, a batch of
/// distinct callbacks per channel, and statements in each channel's published format.
struct Inputs {
    let keys: SandboxKeys
    let configuration: HISPayConfiguration
    let directory: URL
    /// SM2 key for the envelope/peer comparison, from a fixed scalar so gmssl can load it too.
    let sm2Key: PrivateKey
    static let sm2Scalar = Array(repeating: UInt8(0x5A), count: 31) + [0x01]

    init(directory: URL) throws {
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        keys = try SandboxKeys()
        let config = directory.appendingPathComponent("hispay.json")
        try keys.writeConfig(to: config, baseURL: "http://127.0.0.1:9", notifyURL: nil)
        configuration = try HISPayConfiguration.load(path: config.path)
        sm2Key = try PrivateKey(sm2Scalar: Self.sm2Scalar)
    }

    func channel(_ id: ChannelID) throws -> any PaymentChannel {
        try ChannelRegistry.standard.channel(id, merchant: try configuration.merchant(named: "sandbox"), transports: CurlTransport.Configuration(proxy: .direct))
    }

    // MARK: Callbacks

    /// WeChat Pay APIv3 `TRANSACTION.SUCCESS` notifications: resource AES-256-GCM sealed with the
    /// APIv3 key, body signed with the platform key (public-key mode).
    func wechatV3Callbacks(_ count: Int) throws -> [CallbackRequest] {
        let key = try APIv3Key(keys.apiV3Key)
        let timestamp = String(Int64(Date().timeIntervalSince1970))
        return try (0..<count).map { index in
            let resource: [String: Any] = [
                "mchid": keys.merchantID, "appid": keys.appID, "out_trade_no": "BENCH\(index)", "transaction_id": "42000020261122\(100_000 + index)",
                "trade_type": "NATIVE", "trade_state": "SUCCESS", "success_time": "2026-11-22T10:00:00+08:00",
                "amount": ["total": 1230, "payer_total": 1230, "currency": "CNY", "payer_currency": "CNY"], "payer": ["openid": "oBench"],
            ]
            let nonce = String(format: "N%011d", index)
            let ciphertext = try key.seal(try JSONSerialization.data(withJSONObject: resource, options: [.sortedKeys]), nonce: nonce, associatedData: "transaction")
            let body = try JSONSerialization.data(withJSONObject: [
                "id": "EV-\(index)", "create_time": "2026-11-22T10:00:00+08:00", "resource_type": "encrypt-resource", "event_type": "TRANSACTION.SUCCESS",
                "summary": "支付成功",
                "resource": ["original_type": "transaction", "algorithm": "AEAD_AES_256_GCM", "ciphertext": ciphertext, "associated_data": "transaction", "nonce": nonce],
            ] as [String: Any], options: [.sortedKeys])
            var message = Data("\(timestamp)\n\(nonce)\n".utf8)
            message.append(body)
            message.append(0x0A)
            let headers: HTTPHeaders = [
                "Wechatpay-Timestamp": timestamp, "Wechatpay-Nonce": nonce, "Wechatpay-Serial": keys.platformPublicKeyID,
                "Wechatpay-Signature": Base64.encode(try keys.platformKey.rsaSignature(for: message)), "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
            ]
            return CallbackRequest(path: "/notify/wechatpay", headers: headers, body: body)
        }
    }

    /// WeChat Pay APIv2 payment notifications: XML signed with the v2 API key (MD5).
    func wechatV2Callbacks(_ count: Int) throws -> [CallbackRequest] {
        let signer = WeChatPayV2Signer(apiKey: keys.apiV2Key)
        return try (0..<count).map { index in
            var fields = [
                "return_code": "SUCCESS", "result_code": "SUCCESS", "appid": keys.appID, "mch_id": keys.merchantID, "nonce_str": "N\(index)",
                "openid": "oBench", "trade_type": "NATIVE", "bank_type": "OTHERS", "total_fee": "1230", "cash_fee": "1230", "fee_type": "CNY",
                "transaction_id": "42000020261122\(100_000 + index)", "out_trade_no": "BENCH\(index)", "time_end": "20261122100000",
            ]
            fields["sign"] = try signer.sign(fields)
            return CallbackRequest(path: "/notify/wechatpay-v2", body: WeChatPayV2XML.build(fields))
        }
    }

    /// Alipay trade notifications: a form signed RSA2 with the sandbox's "Alipay" key.
    func alipayCallbacks(_ count: Int) throws -> [CallbackRequest] {
        try (0..<count).map { index in
            var form = [
                "notify_time": "2026-11-22 10:00:00", "notify_type": "trade_status_sync", "notify_id": "N\(index)", "app_id": keys.alipayAppID,
                "charset": "utf-8", "version": "1.0", "sign_type": "RSA2", "trade_status": "TRADE_SUCCESS", "out_trade_no": "BENCH\(index)",
                "trade_no": "2026112222001\(100_000 + index)", "total_amount": "12.30", "receipt_amount": "12.30", "gmt_payment": "2026-11-22 10:00:00",
            ]
            let content = AlipaySignContent.make(form, excluding: ["sign", "sign_type"])
            form["sign"] = Base64.encode(try keys.alipayKey.rsaSignature(for: Array(content.utf8)))
            return CallbackRequest(path: "/notify/alipay", body: Data(AlipayForm.encode(form).utf8))
        }
    }

    /// UnionPay back notifications: signed with the sandbox's UnionPay certificate, which travels in
    /// `signPubKeyCert` and is chain-checked on every notification.
    func unionPayCallbacks(_ count: Int) throws -> [CallbackRequest] {
        let certificate = keys.unionPay.signingCertificate.pemRepresentation.replacingOccurrences(of: "\n", with: "\r\n")
        return try (0..<count).map { index in
            var fields = [
                "version": "5.1.0", "encoding": "utf-8", "accessType": "0", "merId": keys.unionPay.merchantID, "orderId": "BENCH\(100_000 + index)",
                "queryId": "7826112210\(100_000_000_00 + index)", "txnType": "01", "txnSubType": "07", "bizType": "000000", "txnTime": "20261122100000",
                "txnAmt": "1230", "currencyCode": "156", "respCode": "00", "respMsg": "成功[0000000]", "signMethod": "01", "signPubKeyCert": certificate,
            ]
            let digest = try DigestAlgorithm.sha256.hash(UnionPayMessage.stringToSign(fields))
            fields["signature"] = Base64.encode(try keys.unionPay.signingKey.rsaSignature(for: Array(Hex.encode(digest).utf8)))
            return CallbackRequest(path: "/notify/unionpay", body: UnionPayMessage.formBody(fields))
        }
    }

    /// Mobile-payment centre settlement notifications: SM4-encrypted, SM2-signed envelopes.
    func mobilePayCallbacks(_ count: Int) throws -> [CallbackRequest] {
        let centre = MobilePayCredentials(
            appID: keys.mobilePayAppID, appSecret: keys.mobilePayAppSecret, privateKey: keys.mobilePayCentreKey,
            platformPublicKey: try keys.mobilePayHospitalKey.publicKey)
        return try (0..<count).map { index in
            let data = ConfigValue.object([
                "payOrdId": .string("ORD\(100_000 + index)"), "medOrgOrd": .string("BENCH\(index)"), "ordStas": .string("6"),
                "medfeeSumamt": .number("123.40"), "setlTime": .string("2026-11-22 10:00:00"),
            ])
            let sealed = try MobilePayEnvelope.seal(data, credentials: centre, timestamp: "1795312800000")
            return CallbackRequest(path: "/notify/insurance", body: Data(sealed.envelope.jsonText().utf8))
        }
    }

    /// Writes a batch as JSON lines `{"headers": {…}, "body": "<text>"}` for the peers.
    func write(_ callbacks: [CallbackRequest], to name: String) throws {
        var text = ""
        for callback in callbacks {
            var headers: [String: String] = [:]
            for (name, value) in callback.headers { headers[name] = value }
            let line = try JSONSerialization.data(withJSONObject: ["headers": headers, "body": String(decoding: callback.body, as: UTF8.self)], options: [.sortedKeys])
            text += String(decoding: line, as: UTF8.self) + "\n"
        }
        try Data(text.utf8).write(to: directory.appendingPathComponent(name))
    }

    /// The peers' keys: PEM for RSA, hex scalar and point for SM2, and the symmetric keys.
    func writeKeys() throws {
        let point = Array(try sm2Key.publicKey.derRepresentation.suffix(64))
        let fields: [String: String] = [
            "alipayAppPrivateKey": try keys.alipayAppKey.pkcs8PEM(), "alipayPublicKey": try keys.alipayKey.publicKey.pemRepresentation,
            "alipayAppId": keys.alipayAppID, "wechatPlatformPublicKey": try keys.platformKey.publicKey.pemRepresentation,
            "wechatMerchantPrivateKey": try keys.merchantKey.pkcs8PEM(), "wechatApiV3Key": keys.apiV3Key, "wechatApiV2Key": keys.apiV2Key,
            "wechatMchId": keys.merchantID, "wechatAppId": keys.appID, "sm2PrivateHex": Hex.encode(Self.sm2Scalar), "sm2PublicHex": Hex.encode(point),
            "mobilePayAppId": keys.mobilePayAppID, "mobilePayAppSecret": keys.mobilePayAppSecret,
            "mobilePayCentrePublicHex": Hex.encode(Array(try keys.mobilePayCentreKey.publicKey.derRepresentation.suffix(64))),
        ]
        try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .prettyPrinted]).write(to: directory.appendingPathComponent("keys.json"))
    }
}
