import Foundation
import HISPayCore
import HISPayCrypto

/// Verifies APIv3 answers and callbacks: `Wechatpay-Signature` (SHA256withRSA, base64) over
/// `TIMESTAMP\nNONCE\nBODY\n` with the raw body as received, the key named by `Wechatpay-Serial`,
/// a timestamp within five minutes of now, and never a `WECHATPAY/SIGNTEST/` probe.
public struct WeChatPayV3Verifier: Sendable {
    public var keys: PlatformKeys
    /// Allowed distance between `Wechatpay-Timestamp` and now, in seconds.
    public var window: TimeInterval

    /// The probe prefix WeChat Pay uses to test that merchants verify signatures.
    package static let probePrefix = "WECHATPAY/SIGNTEST/"

    public init(keys: PlatformKeys, window: TimeInterval = 300) {
        self.keys = keys
        self.window = window
    }

    /// The serial a response or callback names, if any.
    public static func serial(in headers: HTTPHeaders) -> String? { headers["Wechatpay-Serial"] }

    /// Throws a `ChannelError` naming exactly what is wrong: `.invalidResponse` (a header is
    /// missing or malformed), `.probeSignature`, `.staleTimestamp`, `.unknownSigningKey`,
    /// `.certificateInvalid` or `.signatureInvalid` (tampered body, wrong key).
    public func verify(headers: HTTPHeaders, body: Data, now: Date) throws(ChannelError) {
        func header(_ name: String) throws(ChannelError) -> String {
            guard let value = headers[name], !value.isEmpty else {
                throw ChannelError(.invalidResponse, channel: .wechatPay, reason: "header \(name) is missing")
            }
            return value
        }
        let signatureText = try header("Wechatpay-Signature")
        if signatureText.hasPrefix(Self.probePrefix) {
            throw ChannelError(.probeSignature, channel: .wechatPay, reason: "signature is a WECHATPAY/SIGNTEST/ probe, refused")
        }
        let timestampText = try header("Wechatpay-Timestamp")
        let nonce = try header("Wechatpay-Nonce")
        let serial = try header("Wechatpay-Serial")
        guard let timestamp = Int64(timestampText) else {
            throw ChannelError(.invalidResponse, channel: .wechatPay, reason: "Wechatpay-Timestamp \(timestampText) is not a number")
        }
        let skew = abs(now.timeIntervalSince1970 - TimeInterval(timestamp))
        if skew >= window {
            throw ChannelError(
                .staleTimestamp, channel: .wechatPay,
                reason: "Wechatpay-Timestamp is \(Int(skew)) s from now (allowed: under \(Int(window)) s)")
        }
        let key = try keys.key(forSerial: serial, at: now)
        let signature: [UInt8]
        do {
            signature = try Base64.decode(signatureText)
        } catch {
            throw ChannelError(.signatureInvalid, channel: .wechatPay, reason: "Wechatpay-Signature is not base64")
        }
        var message = Data("\(timestampText)\n\(nonce)\n".utf8)
        message.append(body)
        message.append(0x0A)
        do {
            try key.verifyRSASignature(signature, for: message)
        } catch {
            throw ChannelError(.signatureInvalid, channel: .wechatPay, reason: "signature with key \(serial) does not verify: \((error as? CryptoError)?.reason ?? "\(error)")")
        }
    }
}
