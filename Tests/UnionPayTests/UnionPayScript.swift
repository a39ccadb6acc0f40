import Foundation
import HISPayCore
import HISPayCrypto
import HISPayTestSupport
import UnionPay
import HISPayTesting

/// Builds ACP cassettes in the published wire format: form requests signed with UnionPay's public
/// test `.pfx` at a frozen time; `key=value&…` answers signed by the test-made UnionPay certificate.
struct UnionPayScript {
    let keys: UnionPayTestKeys
    var interactions: [Cassette.Interaction] = []
    let gateway = "https://gateway.test.95516.com"

    init() throws { keys = try UnionPayTestKeys() }

    func configuration() -> UnionPayConfiguration {
        UnionPayConfiguration(
            merchantID: "777290058167151", signer: UnionPaySigner(method: .certificate(keys.merchant)), verifier: keys.verifier,
            frontURL: "https://his.example/pay/return", backURL: "https://his.example/notify/unionpay", gateway: gateway,
            fileGateway: "https://filedownload.test.95516.com")
    }

    func channel() -> (UnionPayChannel, ReplayTransport) {
        let replay = ReplayTransport(cassette: Cassette(name: "unionpay", interactions: interactions))
        return (UnionPayChannel(configuration: configuration(), transport: replay, time: ManualTimeSource(keys.now)), replay)
    }

    /// One exchange: the business `fields` the channel must send (common fields are added here as the
    /// specification lists them) and the answer fields UnionPay returns (signed here).
    mutating func expect(_ path: String, _ fields: [String: String], answer: [String: String], base: String? = nil, txnTime: String = "20261122100000") throws {
        var request = fields
        request["version"] = "5.1.0"
        request["encoding"] = "utf-8"
        request["accessType"] = "0"
        request["merId"] = "777290058167151"
        request["txnTime"] = request["txnTime"] ?? txnTime
        let signed = try UnionPaySigner(method: .certificate(keys.merchant)).sign(request).fields
        var reply = answer
        reply["version"] = "5.1.0"
        reply["encoding"] = "utf-8"
        reply["merId"] = "777290058167151"
        let signedReply = try keys.signedByUnionPay(reply)
        let text = signedReply.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
        interactions.append(Cassette.Interaction(
            request: Cassette.Request(HTTPRequest(
                method: "POST", url: (base ?? gateway) + path, headers: ["Content-Type": "application/x-www-form-urlencoded;charset=utf-8"],
                body: UnionPayMessage.formBody(signed))),
            response: Cassette.Response(HTTPResponse(status: 200, headers: ["Content-Type": "text/plain;charset=UTF-8"], body: Data(text.utf8)))))
    }
}
