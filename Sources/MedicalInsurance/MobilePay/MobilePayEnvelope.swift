import Foundation
import HISPayCore
import HISPayCrypto

/// The NHSA mobile-payment envelope: `{appId, encType: "SM4", signType: "SM2", timestamp, version,
/// encData, signData}` where `encData` is hex SM4-ECB-PKCS7 of the business JSON under the derived key
/// and `signData` is base64 raw `r‖s` SM3withSM2 over the sign text: the top-level fields with `data`
/// as canonical JSON (keys sorted, scalars as strings, empty values dropped), sorted `k=v` joined with
/// `&`, then `&key=<appSecret>`.
public enum MobilePayEnvelope {
    public static let version = "2.0.1"

    /// The sign text for the envelope fields and the plain business data.
    public static func signText(appID: String, data: ConfigValue, timestamp: String, appSecret: String, version: String = version) -> String {
        var fields = ["appId": appID, "encType": "SM4", "signType": "SM2", "timestamp": timestamp, "version": version]
        let canonical = data.jsonText(stringifyScalars: true)
        if canonical != "{}", canonical != "[]" { fields["data"] = canonical }
        return fields.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&") + "&key=\(appSecret)"
    }

    /// Seals `data`: the envelope JSON object, its sign text and `encData`.
    public static func seal(_ data: ConfigValue, credentials: MobilePayCredentials, timestamp: String) throws -> (envelope: ConfigValue, signText: String, encData: String) {
        let json = data.jsonText()
        let encData = Hex.encode(try BlockCipher(.sm4ECB, key: credentials.dataKey()).encrypt(Array(json.utf8)), uppercase: true)
        let text = signText(appID: credentials.appID, data: data, timestamp: timestamp, appSecret: credentials.appSecret)
        let signature = Base64.encode(try credentials.privateKey.sm2Signature(for: Array(text.utf8), identifier: credentials.signID, encoding: .raw))
        let envelope = ConfigValue.object([
            "appId": .string(credentials.appID), "encType": .string("SM4"), "signType": .string("SM2"), "timestamp": .string(timestamp),
            "version": .string(version), "encData": .string(encData), "signData": .string(signature),
        ])
        return (envelope, text, encData)
    }

    /// Opens an envelope from the platform: decrypts `encData` (either hex case) and verifies
    /// `signData` with the platform key. Distinct errors: `.decryptionFailed` (the derived key does not
    /// fit — usually a wrong appSecret), `.signatureInvalid` (altered content or signature),
    /// `.signerIdentifierMismatch` (signed under another SM2 ID).
    public static func open(_ envelope: [String: ConfigValue], credentials: MobilePayCredentials) throws(ChannelError) -> ConfigValue {
        guard let encData = envelope["encData"]?.text, let signData = envelope["signData"]?.text else {
            throw ChannelError(.invalidResponse, channel: .insurance, reason: "envelope lacks encData or signData")
        }
        let plaintext: [UInt8]
        do {
            plaintext = try BlockCipher(.sm4ECB, key: credentials.dataKey()).decrypt(Hex.decode(encData))
        } catch {
            throw ChannelError(.decryptionFailed, channel: .insurance, reason: "encData does not decrypt with the key derived from this appId/appSecret")
        }
        guard let data = ConfigValue.decode(Data(plaintext)) else {
            throw ChannelError(.signatureInvalid, channel: .insurance, reason: "encData decrypts to something that is not JSON: it was altered")
        }
        let text = signText(
            appID: envelope["appId"]?.text ?? credentials.appID, data: data, timestamp: envelope["timestamp"]?.text ?? "",
            appSecret: credentials.appSecret, version: envelope["version"]?.text ?? version)
        do {
            try credentials.platformPublicKey.verifySM2Signature(try Base64.decode(signData), for: Array(text.utf8), identifier: credentials.signID, encoding: .raw)
        } catch let error as CryptoError where error.code == .wrongSM2Identifier {
            throw ChannelError(.signerIdentifierMismatch, channel: .insurance, reason: error.reason)
        } catch {
            throw ChannelError(.signatureInvalid, channel: .insurance, reason: "signData does not verify: \((error as? CryptoError)?.reason ?? "\(error)")")
        }
        return data
    }
}
