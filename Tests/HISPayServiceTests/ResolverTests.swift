import Foundation
import HISPayCore
import HISPayService
import HISPayStore
import HISPayTestSupport
import HISPayTesting
import MedicalInsurance
import Testing
import WeChatPay

/// The payment journal and the resolver against replayed WeChat Pay v3 answers: every request the
/// channel makes is in the cassette, so nothing can be re-sent, least of all under a new number.
@Suite struct ResolverTests {
    let payBody = #"{"amount":{"currency":"CNY","total":1230},"appid":"wx2421b1c4370ec43b","description":"门诊缴费","mchid":"1900000001","notify_url":"https://his.example/notify/wechatpay","out_trade_no":"REG20261122001"}"#
    let query = "/v3/pay/transactions/out-trade-no/REG20261122001?mchid=1900000001"

    /// The journaled channel and a resolver over the same replayed channel, at `clock`'s time.
    func parts(_ script: WeChatPayScript, _ store: any PaymentStore, _ clock: ManualTimeSource) throws -> (JournaledChannel, Resolver, ReplayTransport) {
        let (channel, replay) = try script.channel(time: clock)
        let policy = ResolverPolicy(schedule: [5, 10], barcodeExpiry: 60, orderExpiry: 600)
        return (
            JournaledChannel(channel, store: store, merchant: "main", policy: policy, time: clock),
            Resolver(store: store, channels: ["main": [.wechatPay: channel]], policy: policy, time: clock), replay
        )
    }

    /// A QR payment whose answer was lost (the channel's 500), journaled `unknown` on a new SQLite
    /// store; the clock is moved the 5 s to its first check, and no answer is scripted for it.
    func lostPayment() async throws -> (store: SQLPaymentStore, clock: ManualTimeSource, resolver: Resolver) {
        var script = try WeChatPayScript()
        try script.expect("POST", "/v3/pay/transactions/native", body: payBody, status: 500, answer: #"{"code":"SYSTEM_ERROR","message":"系统错误"}"#)
        let store = try await TestStores.open(.sqlite)
        let clock = ManualTimeSource(try WeChatPayTestKeys().now)
        let (channel, resolver, _) = try parts(script, store, clock)
        _ = try await channel.pay(PayRequest(outTradeNo: "REG20261122001", amount: Amount(fen: 1230), subject: "门诊缴费", scene: .qrCode))
        clock.advance(by: 5)
        return (store, clock, resolver)
    }

    func entry(_ store: any PaymentStore, _ orderNo: String = "REG20261122001") async throws -> JournalEntry {
        try #require(try await store.entry(merchant: "main", channel: .wechatPay, orderNo: orderNo))
    }

    @Test(arguments: [SQLDialect.sqlite, .postgres])
    func anUnknownPaymentIsQueriedToSuccess(dialect: SQLDialect) async throws {
        var script = try WeChatPayScript()
        try script.expect("POST", "/v3/pay/transactions/native", body: payBody, status: 500, answer: #"{"code":"SYSTEM_ERROR","message":"系统错误"}"#)
        try script.expect("GET", query, answer: WeChatPayScript.transactionSuccess, sentAt: try WeChatPayTestKeys().now + 5)
        let store = try await TestStores.open(dialect)
        let clock = ManualTimeSource(try WeChatPayTestKeys().now)
        let (channel, resolver, replay) = try parts(script, store, clock)

        let outcome = try await channel.pay(PayRequest(outTradeNo: "REG20261122001", amount: Amount(fen: 1230), subject: "门诊缴费", scene: .qrCode))
        #expect(outcome.kind == .unknown)
        #expect(try await entry(store).state == .unknown)
        #expect(try await resolver.resolveDue().isEmpty)  // not due yet: the first query waits 5 s
        clock.advance(by: 5)
        let resolutions = try await resolver.resolveDue()
        #expect(resolutions.map(\.to) == [.succeeded] && resolutions.map(\.failure) == [nil], "\(resolutions)")
        #expect(try await entry(store).state == .succeeded)
        #expect(try await resolver.resolveDue().isEmpty)  // settled: never asked again
        try replay.verifyAllUsed()
        try await store.close()
    }

    /// Issue 23: the running resolver reports every round — an entry it could not settle (here the
    /// channel's answer is missing) and a round that failed (the store closed) — instead of dropping them.
    @Test func theRunningResolverReportsFailuresInsteadOfSwallowingThem() async throws {
        let (store, _, resolver) = try await lostPayment()
        let (rounds, heard) = AsyncStream.makeStream(of: Result<[Resolver.Resolution], any Error>.self)
        let running = Task { await resolver.run(every: .milliseconds(20)) { heard.yield($0) } }
        defer { running.cancel() }
        var unsettled: Resolver.Resolution?
        var storeFailure: (any Error)?
        for await round in rounds {
            switch round {
            case .success(let resolutions):
                if unsettled == nil, let failed = resolutions.first(where: { $0.failure != nil }) {
                    unsettled = failed
                    try await store.close()  // the next round cannot read the journal
                }
            case .failure(let error):
                storeFailure = error
            }
            if storeFailure != nil { break }
        }
        #expect(unsettled?.orderNo == "REG20261122001" && unsettled?.to == .unknown && unsettled?.failure?.isEmpty == false)
        #expect(storeFailure != nil)
    }

    /// An entry this resolver has no channel for is rescheduled with that as its failure, not
    /// skipped in place (where enough of them would keep every other entry from its turn).
    @Test func anEntryWithoutAChannelHereIsRescheduledNotSkipped() async throws {
        let (store, clock, _) = try await lostPayment()
        let elsewhere = Resolver(store: store, channels: ["main": [:]], policy: ResolverPolicy(schedule: [5, 10]), time: clock)
        let resolutions = try await elsewhere.resolveDue()
        #expect(resolutions.count == 1 && resolutions.first?.to == .unknown, "\(resolutions)")
        #expect(resolutions.first?.failure?.contains("no wechatpay channel of merchant main here") == true, "\(resolutions)")
        let entry = try await entry(store)
        #expect(entry.attempts == 1 && (entry.nextCheckAt ?? .distantPast) > clock.now())
        #expect(try await elsewhere.resolveDue().isEmpty)  // rescheduled: not due again at once
        try await store.close()
    }

    @Test func anUnpaidQROrderIsQueriedOnBackOffThenClosedAtItsExpiry() async throws {
        var script = try WeChatPayScript()
        try script.expect("POST", "/v3/pay/transactions/native", body: payBody, answer: #"{"code_url":"weixin://wxpay/bizpayurl?pr=p4lpSuKzz"}"#)
        let now = try WeChatPayTestKeys().now
        try script.expect("GET", query, answer: WeChatPayScript.transaction(state: "NOTPAY", description: "未支付"), sentAt: now + 5)
        try script.expect("GET", query, answer: WeChatPayScript.transaction(state: "NOTPAY", description: "未支付"), sentAt: now + 15)
        try script.expect("GET", query, answer: WeChatPayScript.transaction(state: "NOTPAY", description: "未支付"), sentAt: now + 615)
        try script.expect("POST", "/v3/pay/transactions/out-trade-no/REG20261122001/close", body: #"{"mchid":"1900000001"}"#, status: 204, sentAt: now + 615)
        let store = try await TestStores.open(.sqlite)
        let clock = ManualTimeSource(try WeChatPayTestKeys().now)
        let (channel, resolver, replay) = try parts(script, store, clock)

        #expect(try await channel.pay(PayRequest(outTradeNo: "REG20261122001", amount: Amount(fen: 1230), subject: "门诊缴费", scene: .qrCode)).kind == .pending)
        clock.advance(by: 5)
        let first = try await resolver.resolveDue()
        #expect(first.map(\.to) == [.pending] && first.map(\.failure) == [nil], "\(first)")
        clock.advance(by: 9)
        #expect(try await resolver.resolveDue().isEmpty)  // the second query waits 10 s
        clock.advance(by: 1)
        let second = try await resolver.resolveDue()
        #expect(second.map(\.action) == [.query] && second.map(\.failure) == [nil], "\(second)")
        clock.advance(by: 600)  // expired: one last query, then close
        let closed = try await resolver.resolveDue()
        #expect(closed.map(\.action) == [.close] && closed.map(\.to) == [.closed])
        #expect(try await entry(store).state == .closed)
        try replay.verifyAllUsed()
        try await store.close()
    }

    @Test func anExpiredBarcodePaymentIsReversedNotClosed() async throws {
        var script = try WeChatPayScript()
        let body = #"{"amount":{"currency":"CNY","total":1230},"appid":"wx2421b1c4370ec43b","description":"门诊缴费","mchid":"1900000001","out_trade_no":"REG20261122001","payer":{"auth_code":"134567890123456789"},"scene_info":{"store_info":{"id":"1900000001"}}}"#
        try script.expect("POST", "/v3/pay/transactions/codepay", body: body, status: 202, answer: #"{"code":"USERPAYING","message":"需要用户输入支付密码"}"#)
        let now = try WeChatPayTestKeys().now
        try script.expect("GET", query, answer: WeChatPayScript.transaction(state: "USERPAYING", description: "用户支付中"), sentAt: now + 61)
        try script.expect("POST", "/v3/pay/transactions/out-trade-no/REG20261122001/reverse", body: #"{"appid":"wx2421b1c4370ec43b","mchid":"1900000001"}"#, answer: "{}", sentAt: now + 61)
        let store = try await TestStores.open(.sqlite)
        let clock = ManualTimeSource(try WeChatPayTestKeys().now)
        let (channel, resolver, replay) = try parts(script, store, clock)

        let request = PayRequest(outTradeNo: "REG20261122001", amount: Amount(fen: 1230), subject: "门诊缴费", scene: .barcode(authCode: "134567890123456789"))
        #expect(try await channel.pay(request).kind == .pending)
        clock.advance(by: 61)
        let resolutions = try await resolver.resolveDue()
        #expect(resolutions.map(\.action) == [.reverse] && resolutions.map(\.to) == [.closed], "\(resolutions)")
        try replay.verifyAllUsed()
        try await store.close()
    }

    @Test func anUnansweredRefundIsQueriedByItsOwnNumber() async throws {
        var script = try WeChatPayScript()
        let refundBody = #"{"amount":{"currency":"CNY","refund":500,"total":1230},"notify_url":"https://his.example/notify/wechatpay","out_refund_no":"RF20261122001","out_trade_no":"REG20261122001","reason":"部分退费"}"#
        try script.expect("POST", "/v3/refund/domestic/refunds", body: refundBody, status: 503, answer: #"{"code":"SYSTEM_ERROR","message":"系统繁忙"}"#)
        try script.expect(
            "GET", "/v3/refund/domestic/refunds/RF20261122001",
            answer: #"{"refund_id":"50000000382019052709732678859","out_refund_no":"RF20261122001","transaction_id":"4200002026112212345678","out_trade_no":"REG20261122001","status":"SUCCESS","success_time":"2026-11-22T10:00:05+08:00","amount":{"total":1230,"refund":500,"currency":"CNY"}}"#,
            sentAt: try WeChatPayTestKeys().now + 5)
        let store = try await TestStores.open(.sqlite)
        let clock = ManualTimeSource(try WeChatPayTestKeys().now)
        let (channel, resolver, replay) = try parts(script, store, clock)

        let refund = RefundRequest(order: .outTradeNo("REG20261122001"), outRefundNo: "RF20261122001", refundAmount: Amount(fen: 500), totalAmount: Amount(fen: 1230), reason: "部分退费")
        #expect(try await channel.refund(refund).kind == .unknown)
        #expect(try await entry(store, "RF20261122001").parentOrderNo == "REG20261122001")
        clock.advance(by: 5)
        #expect(try await resolver.resolveDue().map(\.to) == [.succeeded])
        try replay.verifyAllUsed()
        try await store.close()
    }

    /// Issue 19: a close whose answer is lost (WeChat Pay answers 503 SYSTEM_ERROR) is journaled as
    /// `REG…#close` before it is sent; the resolver sends it again under the same order number (close
    /// is idempotent), and its success closes the order. Close request and answer as documented:
    /// POST /v3/pay/transactions/out-trade-no/{out_trade_no}/close with `{"mchid"}`, 204 No Content.
    @Test func aCloseWhoseAnswerIsLostIsSentAgainByTheResolver() async throws {
        var script = try WeChatPayScript()
        let now = try WeChatPayTestKeys().now
        let close = "/v3/pay/transactions/out-trade-no/REG20261122001/close"
        try script.expect("POST", "/v3/pay/transactions/native", body: payBody, answer: #"{"code_url":"weixin://wxpay/bizpayurl?pr=p4lpSuKzz"}"#)
        try script.expect("POST", close, body: #"{"mchid":"1900000001"}"#, status: 503, answer: #"{"code":"SYSTEM_ERROR","message":"系统繁忙"}"#)
        try script.expect("GET", query, answer: WeChatPayScript.transaction(state: "NOTPAY", description: "未支付"), sentAt: now + 5)
        try script.expect("POST", close, body: #"{"mchid":"1900000001"}"#, status: 204, sentAt: now + 5)
        let store = try await TestStores.open(.sqlite)
        let clock = ManualTimeSource(now)
        let (channel, resolver, replay) = try parts(script, store, clock)

        #expect(try await channel.pay(PayRequest(outTradeNo: "REG20261122001", amount: Amount(fen: 1230), subject: "门诊缴费", scene: .qrCode)).kind == .pending)
        #expect(try await channel.close(.outTradeNo("REG20261122001")).kind == .unknown)
        let lost = try await entry(store, "REG20261122001#close")
        #expect(lost.operation == .close && lost.state == .unknown && lost.parentOrderNo == "REG20261122001")
        clock.advance(by: 5)
        let resolutions = try await resolver.resolveDue()
        #expect(resolutions.map { "\($0.orderNo) \($0.action) \($0.to)" } == ["REG20261122001 query pending", "REG20261122001#close close succeeded"], "\(resolutions)")
        #expect(try await entry(store).state == .closed)
        try replay.verifyAllUsed()
        try await store.close()
    }
}
