import Foundation
import HISPayCore
import HISPayCrypto
import UnionPay

/// The public UnionPay test material and the chain the tests made (Fixtures/unionpay).
package struct UnionPayTestKeys: Sendable {
    package let merchant: PKCS12Bundle
    package let root: Certificate
    package let middle: Certificate
    /// 2026-11-22 10:00:00 +08:00, inside the test-made signing certificates' validity.
    package let now = Date(timeIntervalSince1970: 1_795_312_800)

    package init() throws {
        merchant = try PKCS12Bundle(der: Fixtures.bytes("certs/unionpay-acp-test/acp_test_sign.pfx"), password: "000000")
        root = try Certificate(pem: Fixtures.text("unionpay/root.pem"))
        middle = try Certificate(pem: Fixtures.text("unionpay/middle.pem"))
    }

    package var verifier: UnionPayVerifier { UnionPayVerifier(roots: [root], middles: [middle]) }

    /// `fields` signed the way UnionPay signs its messages, by the test-made signer `name`.
    package func signedByUnionPay(_ fields: [String: String], as name: String = "signer") throws -> [String: String] {
        let key = try PrivateKey(pem: Fixtures.text("unionpay/\(name).key"))
        var all = fields
        all["signPubKeyCert"] = try Fixtures.text("unionpay/\(name).pem").replacingOccurrences(of: "\n", with: "\r\n")
        all["signMethod"] = "01"
        let hex = Hex.encode(try DigestAlgorithm.sha256.hash(UnionPayMessage.stringToSign(all)))
        all["signature"] = Base64.encode(try key.rsaSignature(for: Array(hex.utf8)))
        return all
    }
}
