import Foundation
import HISPayCore
import HISPayCrypto
import HISPayTestSupport
import MedicalInsurance
import Testing

@Suite struct MobilePayEnvelopeTests {
    let keys: MobilePayTestKeys
    var vector: JSONValue { keys.vector }
    var hospital: MobilePayCredentials { keys.hospital }
    var platform: MobilePayCredentials { keys.platform }

    init() throws { keys = try MobilePayTestKeys() }

    @Test func encDataMatchesTheDemoDerivation() throws {
        let data = try #require(ConfigValue.decode(Data(vector["inputs"]["demo_data_json"].string.utf8)))
        let sealed = try MobilePayEnvelope.seal(data, credentials: hospital, timestamp: "1795312800000")
        #expect(sealed.encData == vector["derived_here_not_published"]["encData_of_demo_data_hexUpper"].string)
        #expect(sealed.signText == "appId=57E2D561E97141A3871DEFB410ADD920&data={\"userName\":\"张三\"}&encType=SM4&signType=SM2&timestamp=1795312800000&version=2.0.1&key=F30D0D261BA04063A0BCAEF19F8ADBCC")
    }

    @Test func envelopeRoundTripsAndCanonicalisesNestedValues() throws {
        let data = ConfigValue.object([
            "payOrdId": .string("ORD20261122001"), "medfeeSumamt": .number("123.40"),
            "feedetailList": .array([.object(["cnt": .number("2"), "pric": .string("61.70"), "memo": .string("")])]),
            "extData": .object(["z": .number("1"), "a": .bool(true)]),
        ])
        let sealed = try MobilePayEnvelope.seal(data, credentials: platform, timestamp: "1795312800000")
        #expect(sealed.signText.contains(#"data={"extData":{"a":"true","z":"1"},"feedetailList":[{"cnt":"2","pric":"61.70"}],"medfeeSumamt":"123.40","payOrdId":"ORD20261122001"}"#))
        let opened = try MobilePayEnvelope.open(sealed.envelope.objectValue, credentials: hospital)
        #expect(opened.data.jsonText(stringifyScalars: true) == data.jsonText(stringifyScalars: true))
        #expect(opened.data.objectValue["medfeeSumamt"] == .number("123.40"))
        #expect(opened.signerID == .appSecret)
        // Lower-case hex is accepted too.
        var lower = sealed.envelope.objectValue
        lower["encData"] = .string(sealed.encData.lowercased())
        #expect(try MobilePayEnvelope.open(lower, credentials: hospital).data == opened.data)
    }

    /// The sign text's rules on their own, as the platform utility's `SignUtil` (newtouch-cloud/
    /// openhis-itaii `openhis-ybapp/.../utils/SignUtil.java`) applies them: every top-level field but
    /// signData/encData/extra, empty values and empty arrays dropped, numbers and booleans as text,
    /// entries sorted case-insensitively (`a1=` before `a=`, as `String.CASE_INSENSITIVE_ORDER`
    /// compares the `k=v&` entries).
    @Test func signTextCoversEveryTopLevelFieldButTheUnsignedOnes() {
        let text = MobilePayEnvelope.signText(
            [
                "appId": .string("APP"), "code": .number("0"), "success": .bool(true), "message": .string("成功"), "Zeta": .string("z"),
                "a": .string("1"), "a1": .string("2"), "extra": .string("x"), "signData": .string("s"), "encData": .string("e"), "empty": .string(""),
                "none": .null, "data": .object(["list": .array([]), "b": .string(""), "n": .number("1.50"), "items": .array([.string(""), .bool(false)])]),
            ], appSecret: "SECRET")
        #expect(text == #"a1=2&a=1&appId=APP&code=0&data={"items":["false"],"n":"1.50"}&message=成功&success=true&Zeta=z&key=SECRET"#)
    }

    func peerRequest(_ op: String, _ fields: [String: ConfigValue]) -> ConfigValue {
        let inputs = vector["inputs"]
        return .object(fields.merging(["op": .string(op), "appId": inputs["appId"], "appSecret": inputs["appSecret"]]) { $1 })
    }

    /// Known answer against a second implementation (Python gmssl, `nhsa_mobilepay_gmssl.py`): an
    /// envelope HISPay seals verifies there under the appSecret as SM2 ID, decrypts to the same
    /// data and has the same sign text.
    @Test func aSealedRequestVerifiesInTheGmSSLPeerUnderTheAppSecret() throws {
        let data = ConfigValue.object([
            "payOrdId": .string("ORD20261122001"), "medfeeSumamt": .number("123.40"), "userName": .string("张三"),
            "feedetailList": .array([.object(["cnt": .number("2"), "pric": .string("61.70"), "memo": .string("")])]),
        ])
        let sealed = try MobilePayEnvelope.seal(data, credentials: hospital, timestamp: "1795312800000")
        let answer = try GmSSLPeer.run(peerRequest("verify", ["publicKey": vector["inputs"]["publicKey_b64"], "envelope": sealed.envelope]))
        #expect(answer["verifiedUnder"] == .string("appSecret"))
        #expect(answer["signText"].string == sealed.signText)
        #expect(ConfigValue.decode(Data(answer["plaintext"].string.utf8)) == data)
    }

    /// The centre's answer sealed by gmssl with fields we do not model (`transType`, `respTime`),
    /// `code`/`message`/`success` covered by the signature and `encType`/`signType` in lower case:
    /// verified as received, under the appSecret — and, signed under the standard ID, still
    /// verified (the other ID is tried second) and reported as such. Changing any signed field fails.
    @Test func theCentresAnswerIsVerifiedAsReceivedUnderEitherID() throws {
        let fields: ConfigValue = .object([
            "appId": vector["inputs"]["appId"], "code": .number("0"), "message": .string("成功"), "success": .bool(true), "encType": .string("sm4"),
            "signType": .string("sm2"), "timestamp": .number("1795312800500"), "version": .string("2.0.1"), "transType": .string("query_order_info"),
            "respTime": .string("20261122100000"),
        ])
        let plaintext = #"{"payOrdId":"ORD1","ordStas":"6","feeSumamt":123.40,"extData":{"b":"","a":1}}"#
        let second = vector["inputs"]["second_pair"]
        func peerSealed(_ id: String) throws -> [String: ConfigValue] {
            try GmSSLPeer.run(peerRequest("seal", [
                "privateKey": second["privateKey_b64"], "publicKey": second["publicKey_b64"], "id": .string(id), "fields": fields, "plaintext": .string(plaintext),
            ]))["envelope"].objectValue
        }
        let underSecret = try peerSealed("appSecret")
        let opened = try MobilePayEnvelope.open(underSecret, credentials: hospital)
        #expect(opened.signerID == .appSecret)
        #expect(opened.data.objectValue["feeSumamt"] == .number("123.40") && opened.data.objectValue["ordStas"] == .string("6"))
        #expect(try MobilePayEnvelope.open(peerSealed("standard"), credentials: hospital).signerID == .standard)
        let pinnedStandard = MobilePayCredentials(
            appID: hospital.appID, appSecret: vector["inputs"]["appSecret"].string, privateKey: try PrivateKey.generate(.sm2),
            platformPublicKey: hospital.platformPublicKey, signerID: .standard)
        #expect(try MobilePayEnvelope.open(underSecret, credentials: pinnedStandard).signerID == .appSecret)
        for (field, value) in [("message", ConfigValue.string("失败")), ("transType", .string("pay_order")), ("success", .bool(false))] {
            var altered = underSecret
            altered[field] = value
            #expect(throws: ChannelError(.signatureInvalid, reason: "")) { try MobilePayEnvelope.open(altered, credentials: hospital) }
        }
        var otherCipher = underSecret
        otherCipher["encType"] = .string("AES")
        #expect(throws: ChannelError(.invalidResponse, reason: "")) { try MobilePayEnvelope.open(otherCipher, credentials: hospital) }
    }

    @Test func tamperedDataUnknownIDAndWrongAppSecretAreDistinct() throws {
        let data = try #require(ConfigValue.decode(Data(#"{"payOrdId":"ORD20261122001","ordStas":"6"}"#.utf8)))
        let sealed = try MobilePayEnvelope.seal(data, credentials: platform, timestamp: "1795312800000")
        var tampered = sealed.envelope.objectValue
        var hex = Array(sealed.encData)
        hex[3] = hex[3] == "0" ? "1" : "0"
        tampered["encData"] = .string(String(hex))
        // Signed under a region's own ID that the hospital did not configure: neither ID it tries fits.
        let regional = MobilePayCredentials(
            appID: platform.appID, appSecret: vector["inputs"]["appSecret"].string, privateKey: try PrivateKey(sm2Scalar: Base64.decode(vector["inputs"]["second_pair"]["privateKey_b64"].string)),
            platformPublicKey: platform.platformPublicKey, signerID: .custom("REGION-440100"))
        let underRegionalID = try MobilePayEnvelope.seal(data, credentials: regional, timestamp: "1795312800000").envelope.objectValue
        let wrongSecret = MobilePayCredentials(
            appID: hospital.appID, appSecret: "00000000000000000000000000000000", privateKey: try PrivateKey.generate(.sm2),
            platformPublicKey: hospital.platformPublicKey)
        let cases: [([String: ConfigValue], MobilePayCredentials, ChannelError.Code)] = [
            (tampered, hospital, .signatureInvalid),
            (underRegionalID, hospital, .signatureInvalid),
            (sealed.envelope.objectValue, wrongSecret, .decryptionFailed),
        ]
        for (envelope, credentials, code) in cases {
            #expect(throws: ChannelError(code, reason: "")) { try MobilePayEnvelope.open(envelope, credentials: credentials) }
        }
    }
}
