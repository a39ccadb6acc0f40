import Foundation
import HISPayCore
import HISPayCrypto

/// The NHSA mobile-payment envelope: `{appId, encType: "SM4", signType: "SM2", timestamp, version,
/// encData, signData}` (answers add `code`, `message`, `success`, and may carry `transType` or
/// fields we do not know). `encData` is hex SM4-ECB-PKCS7 of the business JSON under the derived
/// key; `signData` is base64 raw `r‖s` SM3withSM2 over the sign text, under the SM2 ID the
/// credentials name (the appSecret by default).
///
/// The sign text follows the platform utility as public hospital-side code copies it
/// (newtouch-cloud/openhis-itaii `openhis-ybapp/.../utils/SignUtil.java` and `HseEncAndDecUtil.java`):
/// every top-level field of the envelope as sent or received, with `data` the plain business object,
/// except `signData`, `encData` and `extra`; empty values dropped; strings as they are, numbers and
/// booleans as their text, objects and arrays as JSON with keys sorted and scalars as strings;
/// `key=value&` entries sorted case-insensitively, then `key=<appSecret>`.
public enum MobilePayEnvelope {
    public static let version = "2.0.1"
    /// Top-level fields the signature never covers.
    package static let unsignedFields: Set<String> = ["signData", "encData", "extra"]

    /// A sealed request: the envelope to send, its sign text and `encData`.
    public struct Sealed: Sendable {
        public let envelope: ConfigValue
        public let signText: String
        public let encData: String
    }

    /// An opened envelope: the business data and the SM2 ID its signature verified under.
    public struct Opened: Sendable {
        public let data: ConfigValue
        public let signerID: MobilePaySignerID
    }

    /// The sign text of an envelope's top-level `fields` (with `data` the plain business object).
    package static func signText(_ fields: [String: ConfigValue], appSecret: String) -> String {
        let entries = fields.compactMap { key, value -> [UInt16]? in
            guard !unsignedFields.contains(key), let text = signValue(value) else { return nil }
            return Array("\(key)=\(text)&".utf16)
        }
        // Java's String.CASE_INSENSITIVE_ORDER over UTF-16 units, as the platform utility sorts.
        let sorted = entries.sorted { lhs, rhs in
            lhs.lazy.map(foldCase).lexicographicallyPrecedes(rhs.lazy.map(foldCase))
        }
        return sorted.map { String(decoding: $0, as: UTF16.self) }.joined() + "key=\(appSecret)"
    }

    /// Seals `data`: the envelope with `appId`, `encType`, `signType`, `timestamp`, `version`, any
    /// `extraFields` (an answer's `code`, `message`, `success`), `encData` and `signData`.
    public static func seal(
        _ data: ConfigValue, credentials: MobilePayCredentials, timestamp: String, extraFields: [String: ConfigValue] = [:]
    ) throws -> Sealed {
        let encData = Hex.encode(try BlockCipher(.sm4ECB, key: credentials.dataKey()).encrypt(Array(data.jsonText().utf8)), uppercase: true)
        var fields: [String: ConfigValue] = [
            "appId": .string(credentials.appID), "encType": .string("SM4"), "signType": .string("SM2"), "timestamp": .string(timestamp),
            "version": .string(version),
        ]
        fields.merge(extraFields) { $1 }
        fields["data"] = data
        let text = signText(fields, appSecret: credentials.appSecret)
        let identifier = credentials.signerID.identifier(appSecret: credentials.appSecret)
        let signature = Base64.encode(try credentials.privateKey.sm2Signature(for: Array(text.utf8), identifier: identifier, encoding: .raw))
        fields["data"] = nil
        fields["encData"] = .string(encData)
        fields["signData"] = .string(signature)
        return Sealed(envelope: .object(fields), signText: text, encData: encData)
    }

    /// Opens an envelope from the platform as received: checks `encType`/`signType` (either case),
    /// decrypts `encData` (either hex case) and verifies `signData` over every signed top-level field
    /// with the platform key — under the configured SM2 ID first, then the other common one
    /// (``Opened/signerID`` says which). Distinct errors: `.decryptionFailed` (the derived key does
    /// not fit — usually a wrong appSecret), `.signatureInvalid` (altered content or signature, or a
    /// signature under no ID we know), `.invalidResponse` (not an SM4/SM2 envelope).
    public static func open(_ envelope: [String: ConfigValue], credentials: MobilePayCredentials) throws(ChannelError) -> Opened {
        guard let encData = envelope["encData"]?.text, let signData = envelope["signData"]?.text else {
            throw ChannelError(.invalidResponse, channel: .insurance, reason: "envelope lacks encData or signData")
        }
        for (field, expected) in [("encType", "SM4"), ("signType", "SM2")] {
            if let value = envelope[field]?.text, !value.isEmpty, value.uppercased() != expected {
                throw ChannelError(.invalidResponse, channel: .insurance, reason: "envelope \(field) is \(value), not \(expected)")
            }
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
        guard let signature = try? Base64.decode(signData) else {
            throw ChannelError(.signatureInvalid, channel: .insurance, reason: "signData is not base64")
        }
        var fields = envelope
        fields["data"] = data
        let text = Array(signText(fields, appSecret: credentials.appSecret).utf8)
        for signer in [credentials.signerID] + credentials.signerID.alternatives {
            let identifier = signer.identifier(appSecret: credentials.appSecret)
            if (try? credentials.platformPublicKey.verifySM2Signature(signature, for: text, identifier: identifier, encoding: .raw)) != nil {
                return Opened(data: data, signerID: signer)
            }
        }
        throw ChannelError(
            .signatureInvalid, channel: .insurance,
            reason: "signData does not verify over this answer with the platform key under \(credentials.signerID) or \(credentials.signerID.alternatives.map(\.description).joined(separator: " or "))")
    }

    /// A top-level value as the sign text writes it; nil when it is left out (null, empty).
    private static func signValue(_ value: ConfigValue) -> String? {
        switch value {
        case .null: return nil
        case .string(let text): return text.isEmpty ? nil : text
        case .number(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .array, .object:
            let json = value.jsonText(stringifyScalars: true)
            return json == "{}" || json == "[]" ? nil : json
        }
    }

    /// Java's case-insensitive comparison of one UTF-16 unit (upper, then lower case), for ASCII.
    private static func foldCase(_ unit: UInt16) -> UInt16 { (0x41...0x5A).contains(unit) ? unit + 0x20 : unit }
}
