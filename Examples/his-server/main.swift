// A minimal HIS server that embeds HISPay: the callback gateway mounted in the HIS's own
// Hummingbird router, channels built by the registry from a merchant profile, and a WeChat Pay
// JSAPI (mini-program) payment taken against the built-in simulator, whose verified callback
// event is printed. Run: swift run his-server
import Foundation
import HISPay
import HISPayGateway
import HISPayTesting  // only for the simulator standing in for WeChat Pay
import Hummingbird

let registry = ChannelRegistry.standard
let transports = CurlTransport.Configuration(proxy: .direct)
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("his-server-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }

// The simulator on a free loopback port; it writes a merchant profile ("sandbox") pointing at itself.
let keys = try SandboxKeys()
let simulator = WeChatPaySimulator(keys: keys, payDelay: .milliseconds(300), deliver: SandboxServer.delivery(transports.transport()))
let (simulatorURLs, simulatorListening) = AsyncStream.makeStream(of: String.self)
let sandbox = Task { try await SandboxServer.run(simulator: simulator, port: 0) { simulatorListening.yield($0) } }
let simulatorURL = await simulatorURLs.first { _ in true } ?? ""
try keys.writeConfig(to: directory.appendingPathComponent("hispay.json"), baseURL: simulatorURL, notifyURL: nil)
let configuration = try registry.loadConfiguration(path: directory.appendingPathComponent("hispay.json").path)
let merchant = try configuration.merchant(named: "sandbox")

// The HIS's server: its own routes, and HISPay's gateway under /payments.
let store = try await SQLPaymentStore.open("sqlite:" + directory.appendingPathComponent("payments.db").path)
let centre = NotificationCentre(store: store, routes: try registry.callbackRoutes(configuration, transports: transports))
let router = Router()
router.get("/") { _, _ in "HIS up" }
CallbackGateway(centre: centre, store: store, registry: registry).addNotifyRoutes(to: router.group("/payments"))
let (ports, listening) = AsyncStream.makeStream(of: Int.self)
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), onServerRunning: { listening.yield($0.localAddress?.port ?? 0) })
let server = Task { try await app.run() }
let notifyURL = "http://127.0.0.1:\(await ports.first { _ in true } ?? 0)/payments/notify/sandbox/wechatpay"

// A clinic fee paid in the mini-program: the HIS hands the JSAPI parameters to the app, the patient pays.
let wechat = try registry.channel(.wechatPay, merchant: merchant, transports: transports)
let payer = JSAPIPayer(surface: .weChatMiniProgram, payerID: "oPatient0001")
let placed = try await wechat.pay(PayRequest(
    outTradeNo: "HIS-FEE-0001", amount: Amount(fen: 12_340), subject: "门诊缴费", scene: .jsapi(payer), notifyURL: notifyURL))
print("placed HIS-FEE-0001: \(placed.kind)")

// The verified, recorded callback event, as the HIS would take it from the store (or GET /payments/events).
for _ in 0..<100 {
    if let recorded = try await store.events(after: 0, limit: 1).first {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(GatewayEvent(recorded)), as: UTF8.self))
        break
    }
    try await Task.sleep(for: .milliseconds(100))
}
server.cancel()
sandbox.cancel()
try await store.close()
