import Foundation
import HISPay
import HISPayTesting

// hispay-bench [--out DIR] [--rows N] [--callbacks N]: HISPay's single-thread throughput for raw
// crypto, request signing, callback handling and statement parsing, on inputs it writes to DIR for
// the peers (scripts/bench.sh runs both and compares). Prints a table; writes DIR/hispay-bench.json.

let arguments = Array(CommandLine.arguments.dropFirst())
@MainActor func option(_ name: String, _ fallback: String) -> String {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return fallback }
    return arguments[index + 1]
}
let directory = URL(fileURLWithPath: option("--out", FileManager.default.temporaryDirectory.appendingPathComponent("hispay-bench").path))
guard let rows = Int(option("--rows", "200000")), rows > 0, let callbackCount = Int(option("--callbacks", "1000")), callbackCount > 0 else {
    FileHandle.standardError.write(Data("hispay-bench: --rows and --callbacks take positive whole numbers\n".utf8))
    exit(2)
}

let inputs = try Inputs(directory: directory)
let keys = inputs.keys
var results: [Measurement] = []
@MainActor func record(_ measurement: Measurement?) {
    guard let measurement else { return }
    results.append(measurement)
    let rate = measurement.megabytesPerSecond.map { String(format: "  %8.1f MB/s", $0) } ?? ""
    print(measurement.name.padding(toLength: 30, withPad: " ", startingAt: 0) + String(format: "%12.0f /s", measurement.perSecond) + rate)
}

// Raw crypto, for `openssl speed` (single thread, same algorithms and sizes).
let message = Array(repeating: UInt8(0x61), count: 64)
let block = Array(repeating: UInt8(0x61), count: 8192)
let rsaSignature = try keys.merchantKey.rsaSignature(for: message)
let rsaPublic = try keys.merchantKey.publicKey
let sm2Signature = try inputs.sm2Key.sm2Signature(for: message)
let sm2Public = try inputs.sm2Key.publicKey
let sm4 = try BlockCipher(.sm4CBC, key: Array(repeating: 1, count: 16), padding: .none)
let gcmKey = Array(repeating: UInt8(2), count: 32)
let gcmNonce = Array(repeating: UInt8(3), count: 12)
let gcmAAD = Array(repeating: UInt8(0xCC), count: 13)  // what `openssl speed -aead` adds to each message
record(try await Measurement.run("crypto.rsa2048.sign", operations: 100) { for _ in 0..<100 { _ = try keys.merchantKey.rsaSignature(for: message) } })
record(try await Measurement.run("crypto.rsa2048.verify", operations: 1000) { for _ in 0..<1000 { try rsaPublic.verifyRSASignature(rsaSignature, for: message) } })
record(try await Measurement.run("crypto.sm2.sign", operations: 500) { for _ in 0..<500 { _ = try inputs.sm2Key.sm2Signature(for: message) } })
record(try await Measurement.run("crypto.sm2.verify", operations: 200) { for _ in 0..<200 { try sm2Public.verifySM2Signature(sm2Signature, for: message) } })
record(try await Measurement.run("crypto.sha256.8k", operations: 1000, bytes: 8192 * 1000) { for _ in 0..<1000 { _ = try DigestAlgorithm.sha256.hash(block) } })
record(try await Measurement.run("crypto.sm3.8k", operations: 1000, bytes: 8192 * 1000) { for _ in 0..<1000 { _ = try DigestAlgorithm.sm3.hash(block) } })
record(try await Measurement.run("crypto.sm4-cbc.8k", operations: 1000, bytes: 8192 * 1000) {
    for _ in 0..<1000 { _ = try sm4.encrypt(block, iv: Array(repeating: 0, count: 16)) }
})
record(try await Measurement.run("crypto.aes-256-gcm.8k", operations: 1000, bytes: 8192 * 1000) {
    for _ in 0..<1000 { _ = try AESGCM.seal(block, key: gcmKey, nonce: gcmNonce, associatedData: gcmAAD) }
})

// Request signing per channel (a typical request of each).
let alipaySigner = AlipaySigner(privateKey: keys.alipayAppKey)
let alipayRequest = [
    "app_id": keys.alipayAppID, "method": "alipay.trade.precreate", "charset": "utf-8", "sign_type": "RSA2", "timestamp": "2026-11-22 10:00:00",
    "version": "1.0", "notify_url": "https://his.example/notify/alipay",
    "biz_content": #"{"out_trade_no":"REG20261122001","total_amount":"12.30","subject":"挂号费"}"#,
]
let wechatSigner = WeChatPayV3Signer(merchantID: keys.merchantID, certificateSerial: keys.merchantSerialNo, privateKey: keys.merchantKey)
let wechatBody = Data(#"{"appid":"wx2421b1c4370ec43b","mchid":"1900000001","description":"挂号费","out_trade_no":"REG20261122001","notify_url":"https://his.example/notify/wechatpay","amount":{"total":1230,"currency":"CNY"}}"#.utf8)
let v2Signer = WeChatPayV2Signer(apiKey: keys.apiV2Key)
let v2Request = ["appid": keys.appID, "mch_id": keys.merchantID, "nonce_str": "5K8264ILTKCH16CQ2502SI8ZNMTM67VS", "body": "挂号费", "out_trade_no": "REG20261122001", "total_fee": "1230", "spbill_create_ip": "127.0.0.1", "notify_url": "https://his.example/notify", "trade_type": "NATIVE"]
let unionPaySigner = UnionPaySigner(method: .certificate(keys.unionPay.merchant))
let unionPayRequest = ["version": "5.1.0", "encoding": "utf-8", "txnType": "01", "txnSubType": "07", "bizType": "000000", "channelType": "08", "accessType": "0", "merId": keys.unionPay.merchantID, "orderId": "REG20261122001", "txnTime": "20261122100000", "txnAmt": "1230", "currencyCode": "156", "backUrl": "https://his.example/notify/unionpay"]
let hospital = MobilePayCredentials(
    appID: keys.mobilePayAppID, appSecret: keys.mobilePayAppSecret, privateKey: keys.mobilePayHospitalKey, platformPublicKey: try keys.mobilePayCentreKey.publicKey)
let envelopeData = ConfigValue.object(["payOrdId": .string("ORD0001"), "payToken": .string("TK0001"), "payAuthNo": .string("AUTH0001"), "medfeeSumamt": .number("123.40")])
record(try await Measurement.run("sign.alipay.rsa2", operations: 100) { for _ in 0..<100 { _ = try alipaySigner.sign(alipayRequest) } })
record(try await Measurement.run("sign.wechatpay.v3", operations: 100) {
    for index in 0..<100 { _ = try wechatSigner.sign(method: "POST", canonicalURL: "/v3/pay/transactions/native", body: wechatBody, timestamp: 1_795_312_800, nonce: "N\(index)") }
})
record(try await Measurement.run("sign.wechatpay.v2.md5", operations: 10_000) { for _ in 0..<10_000 { _ = try v2Signer.sign(v2Request) } })
record(try await Measurement.run("sign.unionpay.acp", operations: 100) { for _ in 0..<100 { _ = try unionPaySigner.sign(unionPayRequest) } })
record(try await Measurement.run("sign.mobilepay.sm2-envelope", operations: 100) {
    for _ in 0..<100 { _ = try MobilePayEnvelope.seal(envelopeData, credentials: hospital, timestamp: "1795312800000") }
})

// Callback handling end to end (parse, verify, decrypt, normalize) on distinct callbacks.
let batches: [(String, [CallbackRequest], any PaymentChannel)] = [
    ("callback.wechatpay.v3", try inputs.wechatV3Callbacks(callbackCount), try inputs.channel(.wechatPay)),
    ("callback.wechatpay.v2", try inputs.wechatV2Callbacks(callbackCount), try inputs.channel(.wechatPayV2)),
    ("callback.alipay", try inputs.alipayCallbacks(callbackCount), try inputs.channel(.alipay)),
    ("callback.unionpay", try inputs.unionPayCallbacks(callbackCount), try inputs.channel(.unionPay)),
]
for (name, callbacks, channel) in batches {
    try inputs.write(callbacks, to: name + ".jsonl")
    // Off the main actor, so awaiting the channel does not hop threads per callback (a server's
    // handlers do not run on the main actor either).
    record(try await Task.detached { try await Measurement.run(name, operations: callbacks.count) { for callback in callbacks { _ = try await channel.verifyCallback(callback) } } }.value)
}
let mobileCallbacks = try inputs.mobilePayCallbacks(callbackCount)
try inputs.write(mobileCallbacks, to: "callback.mobilepay.jsonl")
let mobileHandler = MobilePayNotificationHandler(credentials: hospital)
record(try await Measurement.run("callback.mobilepay", operations: mobileCallbacks.count) { for callback in mobileCallbacks { _ = try mobileHandler.handle(callback) } })
try inputs.writeKeys()

// Statement parsing: rows per second and MB per second.
let wechatBill = Statements.wechat(rows)
// The Alipay bill is measured on its uncompressed text, like the others (the archive is inflated as part of the work).
let (alipayArchive, alipayBytes) = try Statements.alipay(rows)
let zm = Statements.unionPay(rows)
record(try await Measurement.run("statement.wechatpay", operations: rows, bytes: wechatBill.count) {
    _ = try WeChatPayBillParser.parse(lines: LineReader(data: wechatBill)) { _ in }
})
record(try await Measurement.run("statement.alipay", operations: rows, bytes: alipayBytes) { _ = try AlipayBillParser.parse(archive: alipayArchive) { _ in } })
record(try await Measurement.run("statement.unionpay.zm", operations: rows, bytes: zm.count) { _ = try UnionPayZMParser.parse(zm, settlementDate: "2026-11-22") { _ in } })

let encoder = JSONEncoder()
encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
try encoder.encode(results).write(to: directory.appendingPathComponent("hispay-bench.json"))
print("results: \(directory.appendingPathComponent("hispay-bench.json").path)")
