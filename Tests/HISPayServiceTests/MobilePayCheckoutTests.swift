import Foundation
import HISPayCore
import HISPayService
import HISPayStore
import HISPayTestSupport
import HISPayTesting
import MedicalInsurance
import Synchronization
import Testing

/// The mobile-payment centre as state, speaking real envelopes: uploaded orders by `payOrdId` with
/// their `ordStas`, how often each was paid, and requests after which the process "dies" (or the
/// answer times out).
final class FakeMobilePayCentre: HTTPTransport, @unchecked Sendable {
    struct Order {
        var status: String
        var insurancePayments = 0
    }
    enum Silence { case crash, timeout }
    struct State {
        var orders: [String: Order] = [:]
        var silenceAfter: [String: Silence] = [:]
        var refuseUpload = false
        var badSplit = false
    }
    let keys: MobilePayTestKeys
    let state = Mutex(State())

    init() throws { keys = try MobilePayTestKeys() }

    /// The answer to the next `api` call is lost after the centre processed it.
    func silence(after api: String, _ kind: Silence = .crash) { state.withLock { $0.silenceAfter[api] = kind } }

    func order(_ payOrderID: String = "PO-RCPT1") -> Order? { state.withLock { $0.orders[payOrderID] } }

    /// The wallet's platform settled the insurance part of a mixed order.
    func walletPaid(_ payOrderID: String) {
        state.withLock { state in
            state.orders[payOrderID]?.status = "6"
            state.orders[payOrderID]?.insurancePayments += 1
        }
    }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let api = MobilePayAPI.all.values.first { request.url.hasSuffix($0.defaultPath) }?.code ?? ""
        let envelope = ConfigValue.decode(request.body)?.objectValue ?? [:]
        let data = try MobilePayTestKeys.decryptOnly(envelope["encData"]?.text ?? "", credentials: keys.platform).objectValue
        let (answer, code, silence) = state.withLock { state -> ([String: ConfigValue], String, Silence?) in
            let silence = state.silenceAfter.removeValue(forKey: api)
            let (answer, code) = Self.process(api, data, &state)
            return (answer, code, silence)
        }
        switch silence {
        case .crash?: throw SimulatedCrash()
        case .timeout?: throw TransportError(.timeout, reason: "no answer within 30 s", isRetrySafe: false)
        case nil: return try keys.reply(.object(answer), code: code)
        }
    }

    private static func process(_ api: String, _ data: [String: ConfigValue], _ state: inout State) -> ([String: ConfigValue], String) {
        let split: [String: ConfigValue] = [
            "feeSumamt": .number("123.40"), "fundPay": .number(state.badSplit ? "80.00" : "70.00"), "psnAcctPay": .number("30.00"),
            "ownPayAmt": .number("23.40"), "extData": .object(["mdtrtId": .string("V1")]),
        ]
        let payOrderID = data["payOrdId"]?.text ?? ""
        let status = state.orders[payOrderID]?.status
        switch api {
        case "6201":
            guard !state.refuseUpload else { return ([:], "-1") }
            let id = "PO-\(data["medOrgOrd"]?.text ?? "")"
            if state.orders[id] == nil { state.orders[id] = Order(status: "1") }
            return (split.merging(["payOrdId": .string(id), "payToken": .string("TK-\(id)")]) { $1 }, "0")
        case "6202":
            guard status == "1" else { return ([:], "-1") }
            state.orders[payOrderID]?.status = "6"
            state.orders[payOrderID]?.insurancePayments += 1
            return (split.merging(["payOrdId": .string(payOrderID), "ordStas": .string("6")]) { $1 }, "0")
        case "6203":
            guard status == "6" else { return ([:], "-1") }  // e.g. already refunded
            state.orders[payOrderID]?.status = "7"
            return (["payOrdId": .string(payOrderID), "refStatus": .string("SUCC")], "0")
        case "6301":
            guard let status else { return ([:], "-1") }
            return (["payOrdId": .string(payOrderID), "ordStas": .string(status)], "0")
        case "6401":
            guard status == "1" else { return ([:], "-1") }
            state.orders[payOrderID]?.status = "12"
            return (["payOrdId": .string(payOrderID)], "0")
        default:
            return ([:], "-1")
        }
    }
}

/// A wallet's mixed order as the cash leg: paying it settles the insurance part at the centre.
final class FakeMixedLeg: MobilePayCashLeg, @unchecked Sendable {
    struct State {
        var placed: [String: MobilePayOrder] = [:]
        var paid: [String: Amount] = [:]
        var refunded: [String: Amount] = [:]
        var decline = false
        var patientWaits = false
        var crashAfterPlace = false
    }
    let centre: FakeMobilePayCentre
    let state = Mutex(State())

    init(centre: FakeMobilePayCentre) { self.centre = centre }

    var settlesInsurance: Bool { true }
    var paidAmount: Amount { state.withLock { (try? Amount.sum($0.paid.values)) ?? .zero } }
    var refundedAmount: Amount { state.withLock { (try? Amount.sum($0.refunded.values)) ?? .zero } }

    /// The patient confirms the payment in the wallet.
    func patientPays() {
        for order in state.withLock({ Array($0.placed.values) }) { pay(order) }
    }

    private func pay(_ order: MobilePayOrder) {
        centre.walletPaid(order.payOrderID)
        state.withLock { $0.paid[order.cashOrderNo] = order.split.cashPay }
    }

    func place(_ order: MobilePayOrder) async throws -> Outcome<Payment> {
        let (decline, waits, crash) = state.withLock { state in
            defer { state.crashAfterPlace = false }
            if !state.decline { state.placed[order.cashOrderNo] = order }
            return (state.decline, state.patientWaits, state.crashAfterPlace)
        }
        if decline { return .failure(ChannelStatus(code: "MIX_PAY_FAIL")) }
        if !waits { pay(order) }
        if crash { throw SimulatedCrash() }
        return try await query(order)
    }

    func query(_ order: MobilePayOrder) async throws -> Outcome<Payment> {
        state.withLock { state in
            if let amount = state.paid[order.cashOrderNo] {
                return .success(Payment(outTradeNo: order.cashOrderNo, amount: amount), ChannelStatus(code: "MIX_PAY_SUCCESS"))
            }
            guard state.placed[order.cashOrderNo] != nil else { return .failure(ChannelStatus(code: "ORDER_NOT_EXIST")) }
            return .pending(Payment(outTradeNo: order.cashOrderNo, payerAction: .jsapiParameters(["package": "prepay_id=wx1"])), ChannelStatus(code: "MIX_PAY_CREATED"))
        }
    }

    func refund(_ order: MobilePayOrder, refundNo: String) async throws -> Outcome<Refund> {
        state.withLock { $0.refunded[refundNo] = order.split.cashPay }
        return .success(Refund(outRefundNo: refundNo, amount: order.split.cashPay), ChannelStatus(code: "SUCCESS"))
    }
}

@Suite struct MobilePayCheckoutTests {
    let bill = MobilePayBill(
        billID: "RCPT1", payAuthNo: "AUTH1", upload: .object(MobilePayTestKeys.patient.merging([
            "psnNo": .string("P1"), "medfeeSumamt": .number("123.40"), "insutype": .string("310"), "chrgBchno": .string("CB1"), "feeType": .string("01"),
        ]) { $1 }),
        cashOrderNo: "CASH1", subject: "门诊缴费")
    let completed = CheckoutState.completed(settlementID: "PO-RCPT1", cash: Amount(fen: 2340))

    func checkout(_ centre: FakeMobilePayCentre, _ leg: any MobilePayCashLeg, _ journal: any CheckoutJournal) -> MobilePayCheckout {
        let client = MobilePayClient(
            credentials: centre.keys.hospital, gateway: "https://mobile.example.gov.cn/api", transport: centre,
            time: ManualTimeSource(Date(timeIntervalSince1970: 1_795_312_800)))
        return MobilePayCheckout(centre: client, cash: leg, journal: journal)
    }

    /// A barcode payment at the counter as the cash leg.
    func plain(_ cash: FakeCashChannel) -> PlainCashLeg { PlainCashLeg(channel: cash, scene: .barcode(authCode: "134567890123456789")) }

    /// The centre, a plain cash channel and a mixed-order leg, fresh.
    func parts() throws -> (FakeMobilePayCentre, FakeCashChannel, FakeMixedLeg) {
        let centre = try FakeMobilePayCentre()
        return (centre, FakeCashChannel(), FakeMixedLeg(centre: centre))
    }

    @Test func plainRouteUploadsPaysInsuranceThenTakesCash() async throws {
        let (centre, cash, _) = try parts()
        let state = try await checkout(centre, plain(cash), InMemoryCheckoutJournal()).run(bill)
        #expect(state == completed)
        #expect(centre.order()?.status == "6")
        #expect(centre.order()?.insurancePayments == 1)
        #expect(cash.paidAmount == Amount(fen: 2340))
    }

    @Test func mixedRouteWaitsForThePatientThenCompletes() async throws {
        let (centre, _, leg) = try parts()
        leg.state.withLock { $0.patientWaits = true }
        let journal = InMemoryCheckoutJournal()
        #expect(try await checkout(centre, leg, journal).run(bill) == .awaitingCash(.jsapiParameters(["package": "prepay_id=wx1"])))
        #expect(centre.order()?.status == "1")  // nothing paid while the patient decides
        #expect(try await checkout(centre, leg, journal).run(bill) == .awaitingCash(.jsapiParameters(["package": "prepay_id=wx1"])))
        leg.patientPays()
        #expect(try await checkout(centre, leg, journal).run(bill) == completed)
        #expect(centre.order()?.insurancePayments == 1)
        #expect(leg.paidAmount == Amount(fen: 2340))
    }

    @Test func aRefusedUploadBooksNothing() async throws {
        let (centre, cash, _) = try parts()
        centre.state.withLock { $0.refuseUpload = true }
        guard case .rolledBack(let note) = try await checkout(centre, plain(cash), InMemoryCheckoutJournal()).run(bill) else {
            Issue.record("expected a rollback"); return
        }
        #expect(note.contains("fee upload"))
        #expect(cash.paidAmount == .zero)
    }

    @Test func aSplitThatDoesNotAddUpIsRefusedAndTheUploadUndone() async throws {
        let (centre, cash, _) = try parts()
        centre.state.withLock { $0.badSplit = true }
        guard case .rolledBack(let note) = try await checkout(centre, plain(cash), InMemoryCheckoutJournal()).run(bill) else {
            Issue.record("expected a rollback"); return
        }
        #expect(note.contains("does not add up"))
        #expect(note.contains("6401"))
        #expect(centre.order()?.status == "12")
        #expect(cash.paidAmount == .zero)
    }

    @Test func declinedPlainCashRefundsThePaidInsurancePart() async throws {
        let (centre, cash, _) = try parts()
        cash.state.withLock { $0.decline = true }
        guard case .rolledBack(let note) = try await checkout(centre, plain(cash), InMemoryCheckoutJournal()).run(bill) else {
            Issue.record("expected a rollback"); return
        }
        #expect(note.contains("6203"))
        #expect(centre.order()?.status == "7")
    }

    @Test func aFailedMixedOrderUndoesTheUpload() async throws {
        let (centre, _, leg) = try parts()
        leg.state.withLock { $0.decline = true }
        guard case .rolledBack(let note) = try await checkout(centre, leg, InMemoryCheckoutJournal()).run(bill) else { Issue.record("expected a rollback"); return }
        #expect(note.contains("MIX_PAY_FAIL") && note.contains("6401"))
        #expect(centre.order()?.status == "12")
    }

    @Test func anUnansweredPaymentOrderIsResolvedByTheOrderStatus() async throws {
        let (centre, cash, _) = try parts()
        let journal = InMemoryCheckoutJournal()
        let leg = plain(cash)
        centre.silence(after: "6202", .timeout)
        guard case .unresolved(let reason) = try await checkout(centre, leg, journal).run(bill) else { Issue.record("expected unresolved"); return }
        #expect(reason.contains("6202") && reason.contains("6301"))
        #expect(try await checkout(centre, leg, journal).run(bill) == completed)
        #expect(centre.order()?.insurancePayments == 1)
        #expect(cash.paidAmount == Amount(fen: 2340))
    }

    /// Killed after each journaled step (5 on the happy path) and after each request was
    /// processed but unanswered; restarted; both legs booked exactly once or neither.
    @Test(arguments: [(1, nil), (2, nil), (3, nil), (4, nil), (5, nil), (0, "6201"), (0, "6202"), (0, "pay")] as [(Int, String?)])
    func plainRouteCrashAnywhereResumesConsistently(saves: Int, silencedAfter: String?) async throws {
        let (centre, cash, _) = try parts()
        try await crashAndResume(centre, plain(cash), saves: saves) {
            if silencedAfter == "pay" { cash.state.withLock { $0.crashAfterPay = true } } else if let silencedAfter { centre.silence(after: silencedAfter) }
        } check: { state in
            try expectConsistent(state, centre, cash: cash.paidAmount)
        }
    }

    /// The same along the rollback: cash declined, insurance refunded (6203).
    @Test(arguments: [(1, nil), (2, nil), (3, nil), (4, nil), (5, nil), (6, nil), (0, "6203"), (0, "6301")] as [(Int, String?)])
    func declinedCashCrashAnywhereRollsBackConsistently(saves: Int, silencedAfter: String?) async throws {
        let (centre, cash, _) = try parts()
        cash.state.withLock { $0.decline = true }
        try await crashAndResume(centre, plain(cash), saves: saves) {
            if let silencedAfter { centre.silence(after: silencedAfter) }
        } check: { state in
            guard case .rolledBack = state else { Issue.record("expected a rollback, got \(String(describing: state))"); return }
            try expectConsistent(state, centre, cash: cash.paidAmount)
        }
    }

    @Test(arguments: [(1, nil), (2, nil), (3, nil), (0, "place"), (0, "6201")] as [(Int, String?)])
    func mixedRouteCrashAnywhereResumesConsistently(saves: Int, silencedAfter: String?) async throws {
        let (centre, _, leg) = try parts()
        try await crashAndResume(centre, leg, saves: saves) {
            if silencedAfter == "place" { leg.state.withLock { $0.crashAfterPlace = true } } else if let silencedAfter { centre.silence(after: silencedAfter) }
        } check: { state in
            try expectConsistent(state, centre, cash: leg.paidAmount)
        }
    }

    @Test(arguments: [false, true])
    func refundSplitsBackAcrossBothLegs(mixed: Bool) async throws {
        let (centre, cash, mixedLeg) = try parts()
        let leg: any MobilePayCashLeg = mixed ? mixedLeg : plain(cash)
        let journal = InMemoryCheckoutJournal()
        #expect(try await checkout(centre, leg, journal).run(bill) == completed)
        #expect(try await checkout(centre, leg, journal).refund(bill) == .refunded(cash: Amount(fen: 2340)))
        #expect(try await checkout(centre, leg, journal).refund(bill) == .refunded(cash: Amount(fen: 2340)))
        #expect(centre.order()?.status == "7")
        #expect((mixed ? mixedLeg.refundedAmount : cash.refundedAmount) == Amount(fen: 2340))
    }

    /// Killed after each journaled refund step and after the centre refunded but its answer was
    /// lost (the resent 6203 is refused; the order's status shows it refunded): both legs
    /// refunded exactly once.
    @Test(arguments: [(1, nil), (2, nil), (3, nil), (0, "6203")] as [(Int, String?)])
    func refundCrashAnywhereResumesConsistently(saves: Int, silencedAfter: String?) async throws {
        let (centre, cash, _) = try parts()
        let leg = plain(cash)
        let base = InMemoryCheckoutJournal()
        _ = try await checkout(centre, leg, base).run(bill)
        let journal = CrashingJournal(crashAfterSave: saves)
        await journal.inner.save(try #require(await base.record(for: bill.billID)))
        if let silencedAfter { centre.silence(after: silencedAfter) }
        var state: CheckoutState?
        do { state = try await checkout(centre, leg, journal).refund(bill) } catch is SimulatedCrash {}
        if state == nil { state = try await checkout(centre, leg, journal.inner).refund(bill) }
        #expect(state == .refunded(cash: Amount(fen: 2340)))
        #expect(centre.order()?.status == "7")
        #expect(cash.refundedAmount == Amount(fen: 2340))
    }

    /// Runs the checkout with a journal that dies after `saves` saves (0: never) and whatever
    /// `arm` sets up, then once more on what was journaled; `check` judges the final state.
    private func crashAndResume(
        _ centre: FakeMobilePayCentre, _ leg: any MobilePayCashLeg, saves: Int, arm: () -> Void, check: (CheckoutState?) throws -> Void
    ) async throws {
        let journal = CrashingJournal(crashAfterSave: saves)
        arm()
        var state: CheckoutState?
        do { state = try await checkout(centre, leg, journal).run(bill) } catch is SimulatedCrash {}
        if state == nil { state = try await checkout(centre, leg, journal.inner).run(bill) }
        try check(state)
    }

    /// Completed: the insurance part paid once and the cash taken; rolled back: neither remains.
    private func expectConsistent(_ state: CheckoutState?, _ centre: FakeMobilePayCentre, cash: Amount) throws {
        let order = try #require(centre.order())
        switch state {
        case .completed?:
            #expect(order.status == "6")
            #expect(order.insurancePayments == 1)
            #expect(cash == Amount(fen: 2340))
        case .rolledBack?:
            #expect(order.status != "6")
            #expect(cash == .zero)
        default:
            Issue.record("the checkout did not finish: \(String(describing: state))")
        }
    }
}
