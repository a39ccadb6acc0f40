import Foundation
import HISPayCore
import HISPayCrypto
import HISPayTestSupport
import MedicalInsurance
import Testing

@Suite struct MobilePayEnvelopeTests {
    let vector: JSONValue
    let hospital: MobilePayCredentials
    let platform: MobilePayCredentials

    /// The published demo keys: the hospital signs with the first pair; the "platform" with the second.
    init() throws {
        vector = try Fixtures.vector("nhsa-sm-envelope-demo-keys")
        let inputs = vector["inputs"]
        let hospitalKey = try PrivateKey(sm2Scalar: Base64.decode(inputs["privateKey_b64"].string))
        let platformKey = try PrivateKey(sm2Scalar: Base64.decode(inputs["second_pair"]["privateKey_b64"].string))
        hospital = MobilePayCredentials(
            appID: inputs["appId"].string, appSecret: inputs["appSecret"].string, privateKey: hospitalKey,
            platformPublicKey: try PublicKey(sm2Point: Base64.decode(inputs["second_pair"]["publicKey_b64"].string)))
        platform = MobilePayCredentials(
            appID: inputs["appId"].string, appSecret: inputs["appSecret"].string, privateKey: platformKey,
            platformPublicKey: try PublicKey(sm2Point: Base64.decode(inputs["publicKey_b64"].string)))
    }

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
        #expect(opened.jsonText(stringifyScalars: true) == data.jsonText(stringifyScalars: true))
        #expect(opened.objectValue["medfeeSumamt"] == .number("123.40"))
        // Lower-case hex is accepted too.
        var lower = sealed.envelope.objectValue
        lower["encData"] = .string(sealed.encData.lowercased())
        #expect(try MobilePayEnvelope.open(lower, credentials: hospital) == opened)
    }

    @Test func tamperedDataWrongIDAndWrongAppSecretAreDistinct() throws {
        let data = try #require(ConfigValue.decode(Data(#"{"payOrdId":"ORD20261122001","ordStas":"6"}"#.utf8)))
        let sealed = try MobilePayEnvelope.seal(data, credentials: platform, timestamp: "1795312800000")
        var tampered = sealed.envelope.objectValue
        var hex = Array(sealed.encData)
        hex[3] = hex[3] == "0" ? "1" : "0"
        tampered["encData"] = .string(String(hex))
        let otherID = MobilePayCredentials(
            appID: hospital.appID, appSecret: "F30D0D261BA04063A0BCAEF19F8ADBCC", privateKey: try PrivateKey.generate(.sm2),
            platformPublicKey: hospital.platformPublicKey, signID: "F30D0D261BA04063A0BCAEF19F8ADBCC")
        let wrongSecret = MobilePayCredentials(
            appID: hospital.appID, appSecret: "00000000000000000000000000000000", privateKey: try PrivateKey.generate(.sm2),
            platformPublicKey: hospital.platformPublicKey)
        let cases: [([String: ConfigValue], MobilePayCredentials, ChannelError.Code)] = [
            (tampered, hospital, .signatureInvalid),
            (sealed.envelope.objectValue, otherID, .signerIdentifierMismatch),
            (sealed.envelope.objectValue, wrongSecret, .decryptionFailed),
        ]
        for (envelope, credentials, code) in cases {
            #expect(throws: ChannelError(code, reason: "")) { try MobilePayEnvelope.open(envelope, credentials: credentials) }
        }
    }
}
