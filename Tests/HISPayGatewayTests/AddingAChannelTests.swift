import Foundation
import HISPayCore
import HISPayCrypto
import HISPayCurl
import HISPayGateway
import HISPayService
import HISPayStore
import HISPayTestSupport
import Hummingbird
import Reconciliation
import Testing

/// A channel HISPay does not ship, added the way the README's "Adding a channel" says — one type
/// with a descriptor and one `register` line — is configured, takes callbacks through the embedded
/// gateway (mounted under a HIS's own route group), verifies them on the road `hispay notify verify`
/// takes (`ChannelRegistry.verifier`), and reconciles through its statement parser.
@Suite struct AddingAChannelTests {
    @Test func aRegisteredChannelIsConfiguredVerifiedServedAndReconciled() async throws {
        var registry = ChannelRegistry.standard
        registry.register(TinyPayChannel.descriptor)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hispay-tinypay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let config = directory.appendingPathComponent("hispay.json")
        try Data(#"{"merchants": [{"name": "clinic", "tinypay": {"secret": "env:TINYPAY_SECRET"}}]}"#.utf8).write(to: config)
        let environment = ["TINYPAY_SECRET": TinyPayChannel.testSecret]
        // The standard registry does not know the block; the extended one does.
        #expect(throws: ConfigurationError.self) { try ChannelRegistry.standard.loadConfiguration(path: config.path, environment: environment) }
        let configuration = try registry.loadConfiguration(path: config.path, environment: environment)
        let merchant = try configuration.merchant(named: "clinic")
        #expect(merchant.channels == [TinyPayChannel.id])
        let transports = CurlTransport.Configuration(proxy: .direct)

        // notify verify's road: the registry's verifier for the merchant's block.
        let verifier = try registry.verifier(TinyPayChannel.id, merchant: merchant, transports: transports)
        let verified = try await verifier.verifyCallback(try TinyPayChannel.callback(outTradeNo: "TP-001", fen: 1_500))
        #expect(verified.event.outTradeNo == "TP-001" && verified.event.amount == Amount(fen: 1_500) && verified.event.kind == .paymentSucceeded)
        #expect(verified.acknowledgement.text == "OK")
        var forged = try TinyPayChannel.callback(outTradeNo: "TP-001", fen: 1_500)
        forged.body = Data(String(decoding: forged.body, as: UTF8.self).replacingOccurrences(of: "1500", with: "15").utf8)
        await #expect(throws: ChannelError.self) { try await verifier.verifyCallback(forged) }

        // serve's road: the gateway, mounted in the HIS's own router under /payments.
        let store = try await TestStores.open(.sqlite)
        let centre = NotificationCentre(store: store, routes: try registry.callbackRoutes(configuration, transports: transports))
        let gateway = CallbackGateway(centre: centre, store: store, registry: registry)
        let router = Router()
        router.get("/health") { _, _ in "up" }
        gateway.addNotifyRoutes(to: router.group("/payments"))
        // The events on the same server here, behind the token (hispay serve puts them on a listener of their own).
        let token = try SharedSecret("tinypay-internal-token-0001")
        gateway.addInternalRoutes(to: router.group("/payments/internal"), token: token)
        let (urls, listening) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { listening.yield($0.localAddress?.port ?? 0) })
        let serving = Task { try await app.run() }
        defer { serving.cancel() }
        var port = 0
        for await bound in urls {
            port = bound
            break
        }
        let client = transports.transport()
        let base = "http://127.0.0.1:\(port)/payments"
        for (number, fen) in [("TP-001", Int64(1_500)), ("TP-002", 2_000), ("TP-001", 1_500)] {
            let callback = try TinyPayChannel.callback(outTradeNo: number, fen: fen)
            let answer = try await client.send(HISPayCore.HTTPRequest(method: "POST", url: base + "/notify/clinic/tinypay", headers: callback.headers, body: callback.body))
            #expect(answer.status == 200 && answer.text == "OK")
        }
        let refused = try await client.send(HISPayCore.HTTPRequest(method: "POST", url: base + "/notify/clinic/tinypay", headers: forged.headers, body: forged.body))
        #expect(refused.status == 401 && refused.text.contains("signature"))
        let events = try await store.events(after: 0, limit: 10)
        #expect(events.map(\.event.outTradeNo) == ["TP-001", "TP-002"])  // the repeat is acknowledged, recorded once
        #expect(events.allSatisfy { $0.event.channel == TinyPayChannel.id && $0.merchant == "clinic" })
        #expect(try await client.send(HISPayCore.HTTPRequest(method: "GET", url: base + "/internal/events?after=0")).status == 401)
        let page = try await client.send(
            HISPayCore.HTTPRequest(method: "GET", url: base + "/internal/events?after=0", headers: ["Authorization": "Bearer tinypay-internal-token-0001"]))
        #expect(page.status == 200 && page.text.contains(#""channel":"tinypay""#))
        try await store.close()

        // reconcile's road: the registry's parser for the channel's statement.
        let statement = "out_trade_no,amount_fen,time\nTP-001,1500,2026-12-04 09:00:00\nTP-002,2000,2026-12-04 10:00:00\nTP-003,700,2026-12-04 11:00:00\n"
        let parser = try registry.statementParser(named: "tinypay")
        let ledger = [("TP-001", Int64(1_500)), ("TP-002", 2_000)].map {
            LedgerRecord(channel: TinyPayChannel.id, kind: .payment, outTradeNo: $0.0, amount: Amount(fen: $0.1), time: BeijingTime.parse("2026-12-04 09:00:00")!)
        }
        let (report, _) = try Reconciler(date: "2026-12-04", cutOff: 0).run(
            ledger: LedgerRows(ledger), statements: [Reconciler.source(parser, StatementInput(data: Data(statement.utf8), name: "tinypay-2026-12-04.csv"))])
        #expect(report.summary.matched == 2)
        #expect(report.discrepancies.map(\.outTradeNo) == ["TP-003"] && report.discrepancies.first?.kind == .channelOnly)
    }
}

/// The whole of a tiny channel: callbacks signed with HMAC-SHA256 over the body
/// (`X-Tiny-Signature`, hex), a CSV statement, and its descriptor.
struct TinyPayChannel: PaymentChannel {
    static let id = ChannelID("tinypay")
    static let testSecret = "tiny-test-secret"
    static let descriptor = ChannelDescriptor(
        id: id, summary: "a test channel", makeChannel: { setup in TinyPayChannel(secret: try setup.block.string("secret")) },
        statementParser: Statement())

    let secret: String
    var id: ChannelID { Self.id }
    var capabilities: ChannelCapabilities { ChannelCapabilities(operations: [.callback, .statement], scenes: []) }

    func pay(_ request: PayRequest) async throws -> Outcome<Payment> { throw ChannelError.unsupported(.pay, on: id) }
    func query(_ order: OrderReference) async throws -> Outcome<Payment> { throw ChannelError.unsupported(.query, on: id) }

    func verifyCallback(_ request: CallbackRequest) async throws -> VerifiedCallback {
        let expected = Hex.encode(try HMAC.authenticationCode(for: Array(request.body), key: Array(secret.utf8)))
        guard let signature = request.headers["X-Tiny-Signature"], ConstantTime.equals(Array(signature.utf8), Array(expected.utf8)) else {
            throw ChannelError(.signatureInvalid, channel: id, operation: .callback, reason: "the callback's signature does not verify")
        }
        guard let fields = ConfigValue.decode(request.body)?.objectValue, let number = fields["out_trade_no"]?.text,
            let fen = fields["amount"]?.text.flatMap(Int64.init)
        else {
            throw ChannelError(.invalidResponse, channel: id, operation: .callback, reason: "the callback is not {out_trade_no, amount}")
        }
        let event = CallbackEvent(kind: .paymentSucceeded, channel: id, deduplicationKey: "tinypay:" + number, outTradeNo: number, amount: Amount(fen: fen))
        return VerifiedCallback(event: event, acknowledgement: HISPayCore.HTTPResponse(status: 200, body: Data("OK".utf8)))
    }

    func callbackRejection(reason: String) -> HISPayCore.HTTPResponse { HISPayCore.HTTPResponse(status: 401, body: Data(reason.utf8)) }

    /// A signed callback as TinyPay sends it.
    static func callback(outTradeNo: String, fen: Int64) throws -> CallbackRequest {
        let body = Data(#"{"out_trade_no":"\#(outTradeNo)","amount":\#(fen)}"#.utf8)
        let signature = Hex.encode(try HMAC.authenticationCode(for: Array(body), key: Array(testSecret.utf8)))
        return CallbackRequest(path: "/", headers: ["Content-Type": "application/json", "X-Tiny-Signature": signature], body: body)
    }

    /// `out_trade_no,amount_fen,time` rows after a header.
    struct Statement: StatementParser {
        func parse(_ input: StatementInput, _ handle: (StatementRecord) throws -> Void) throws -> StatementTotals {
            var totals = StatementTotals(count: 0, paymentAmount: .zero, refundAmount: .zero, fee: .zero)
            for line in try input.lines().dropFirst() {
                let fields = String(decoding: line, as: UTF8.self).split(separator: ",").map(String.init)
                guard fields.count == 3, let fen = Int64(fields[1]), let time = BeijingTime.parse(fields[2]) else {
                    throw ChannelError(.invalidResponse, channel: TinyPayChannel.id, operation: .statement, reason: "row \(totals.count + 2) is not out_trade_no,amount_fen,time")
                }
                let amount = Amount(fen: fen)
                try handle(StatementRecord(
                    channel: TinyPayChannel.id, kind: .payment, outTradeNo: fields[0], channelTradeNo: fields[0], amount: amount, fee: .zero, time: time, status: "SUCCESS"))
                totals.count += 1
                totals.paymentAmount = try totals.paymentAmount.adding(amount)
            }
            return totals
        }
    }
}
