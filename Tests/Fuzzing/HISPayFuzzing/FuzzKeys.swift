import Foundation
import HISPayCore
import HISPayCrypto
import UnionPay

/// The key material the callback targets sign and verify with, made once per process (RSA-1024 to
/// keep executions fast; nothing here is a real key), and the fixed clock they verify at.
struct FuzzKeys: Sendable {
    static let shared: FuzzKeys = {
        do { return try FuzzKeys() } catch { preconditionFailure("fuzz keys could not be made: \(error)") }
    }()

    /// The instant callbacks are verified at, and the timestamp the harness signs with.
    static let now = Date(timeIntervalSince1970: 1_795_312_800)  // 2026-11-22 10:00 +08:00

    let merchantID = "1900000001"
    let platformKey: PrivateKey
    let platformKeyID = "PUB_KEY_ID_0119000000012026112200000000000001"
    let apiV3Key = "FUZZfuzzFUZZfuzzFUZZfuzzFUZZfuzz"
    let apiV2Key = "fuzzFUZZfuzzFUZZfuzzFUZZfuzzFUZZ"
    let alipayKey: PrivateKey
    let alipayAppID = "2021000000000001"
    let unionPayMerchantID = "898440100000001"
    let unionPayRoot: Certificate
    let unionPayMiddle: Certificate
    let unionPayKey: PrivateKey
    let unionPayCertificate: Certificate
    let mobilePayAppID = "FUZZAPPID0000001"
    let mobilePayAppSecret = "FUZZSECRET000000FUZZSECRET000000"
    let mobilePayHospitalKey: PrivateKey
    let mobilePayCentreKey: PrivateKey

    private init() throws {
        platformKey = try PrivateKey.generate(.rsa, bits: 1024)
        alipayKey = try PrivateKey.generate(.rsa, bits: 1024)
        let from = Self.now.addingTimeInterval(-86_400 * 30)
        let until = Self.now.addingTimeInterval(86_400 * 365)
        let root = try CertificateIssuer.root(
            commonName: "HISPay Fuzz Root", key: try PrivateKey.generate(.rsa, bits: 1024), serial: 1, validFrom: from, until: until)
        let middle = try root.authority(
            commonName: "HISPay Fuzz OCA", key: try PrivateKey.generate(.rsa, bits: 1024), serial: 2, validFrom: from, until: until)
        unionPayKey = try PrivateKey.generate(.rsa, bits: 1024)
        unionPayCertificate = try middle.issue(
            commonName: "041@ZFUZZ@\(UnionPayVerifier.owner)@00000001", subjectKey: try unionPayKey.publicKey, serial: 3, validFrom: from, until: until)
        unionPayRoot = root.certificate
        unionPayMiddle = middle.certificate
        mobilePayHospitalKey = try PrivateKey.generate(.sm2)
        mobilePayCentreKey = try PrivateKey.generate(.sm2)
    }
}
