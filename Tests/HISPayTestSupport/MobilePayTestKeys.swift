import Foundation
import HISPayCore
import HISPayCrypto
import MedicalInsurance

/// The mobile-payment centre's published demo keys (`nhsa-sm-envelope-demo-keys`): the hospital
/// signs with the first pair, the "platform" with the second.
package struct MobilePayTestKeys: Sendable {
    package let vector: JSONValue
    package let hospital: MobilePayCredentials
    package let platform: MobilePayCredentials

    package init() throws {
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

    /// The centre's answer: `answer` sealed with the platform's keys, with `code` (0 = success),
    /// `message` and `success` covered by the signature like every top-level field.
    package func reply(_ answer: ConfigValue, code: String = "0") throws -> HTTPResponse {
        let status: [String: ConfigValue] = ["code": .number(code), "message": .string(code == "0" ? "成功" : "失败"), "success": .bool(code == "0")]
        let reply = try MobilePayEnvelope.seal(answer, credentials: platform, timestamp: "1795312800500", extraFields: status).envelope
        return HTTPResponse(status: 200, body: Data(reply.jsonText().utf8))
    }

    /// Decrypts an envelope's `encData` without verifying (what the platform does before checking the signature).
    package static func decryptOnly(_ encData: String, credentials: MobilePayCredentials) throws -> ConfigValue {
        let key = Array(Hex.encode(try BlockCipher(.sm4ECB, key: Array(credentials.appID.utf8.prefix(16))).encrypt(Array("F30D0D261BA04063A0BCAEF19F8ADBCC".utf8)), uppercase: true).utf8.prefix(16))
        let plain = try BlockCipher(.sm4ECB, key: key).decrypt(Hex.decode(encData))
        guard let value = ConfigValue.decode(Data(plain)) else { throw CocoaError(.coderReadCorrupt) }
        return value
    }

    /// A patient's identity fields as the centre's 6201 upload carries them.
    package static let patient: [String: ConfigValue] = [
        "orgCodg": .string("H44010600001"), "idNo": .string("44010619900101001X"), "idType": .string("01"), "userName": .string("张三"),
    ]
}
