import Foundation
import HISPayCore
import HISPayService
import HISPayStore
import HISPayTesting
import MedicalInsurance
import Synchronization
import Testing

/// The process "dies" here: whatever was saved or sent stays, nothing after runs.
struct SimulatedCrash: Error {}

/// The insurance platform as state: settlements booked by msgid, reversed (2601) or undone (2208);
/// the visit's fee lines carry the `setl_id` of the active settlement (5204), and 5203 gives a
/// settlement with the msgid it was sent under (`medins_setl_id`).
final class FakeInsurancePlatform: HTTPTransport, @unchecked Sendable {
    struct Booking { var active: Bool }
    struct State {
        var bookings: [String: Booking] = [:]
        var crashAfter: Set<String> = []
        /// 2601 is refused (past the reversal window) without effect.
        var refuseReversal = false
        /// 5204 does not answer.
        var queryDown = false
        /// 2207's split does not add up (cash one fen short).
        var badSplit = false
        var sent: [String] = []
    }
    let state = Mutex(State())

    /// A person id whose pre-settlement the platform refuses.
    nonisolated(unsafe) var refuse: String?

    /// Processes the next `infno` request, then "crashes" before its answer arrives.
    func crash(after infno: String) { state.withLock { _ = $0.crashAfter.insert(infno) } }

    var activeSettlements: Int { state.withLock { $0.bookings.values.filter(\.active).count } }
    var bookedSettlements: Int { state.withLock { $0.bookings.count } }

    static let policy = #""fulamt_ownpay_amt":0.00,"overlmt_selfpay":0.00,"preselfpay_amt":0.00,"inscp_scp_amt":123.40"#

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let envelope = ConfigValue.decode(request.body)?.objectValue ?? [:]
        let infno = envelope["infno"]?.text ?? ""
        let msgid = envelope["msgid"]?.text ?? ""
        let data = envelope["input"]?.objectValue["data"]?.objectValue ?? [:]
        if infno == "2206", let refuse, data["psn_no"]?.text == refuse {
            return HTTPResponse(status: 200, body: Data(#"{"infcode":-1,"err_msg":"人员参保状态异常"}"#.utf8))
        }
        let (output, crash): (String?, Bool) = state.withLock { state in
            state.sent.append(infno)
            let crash = state.crashAfter.remove(infno) != nil
            switch infno {
            case "2206":
                return (#"{"setlinfo":{"mdtrt_id":"V1","medfee_sumamt":123.40,"fund_pay_sumamt":70.00,"psn_part_amt":53.40,"acct_pay":30.00,"psn_cash_pay":23.40,\#(Self.policy)}}"#, crash)
            case "2207":
                guard data["inscp_scp_amt"] != nil else { return (nil, crash) }
                state.bookings[msgid] = Booking(active: true)
                let cash = state.badSplit ? "23.39" : "23.40"
                return (#"{"setlinfo":{"setl_id":"S-\#(msgid)","mdtrt_id":"V1","medfee_sumamt":123.40,"fund_pay_sumamt":70.00,"psn_part_amt":53.40,"acct_pay":30.00,"psn_cash_pay":\#(cash),"medins_setl_id":"\#(msgid)"}}"#, crash)
            case "2601":
                let original = data["omsgid"]?.text ?? ""
                guard !state.refuseReversal, state.bookings[original]?.active == true else { return (nil, crash) }
                state.bookings[original]?.active = false
                return ("{}", crash)
            case "2208":
                let original = String((data["setl_id"]?.text ?? "").dropFirst(2))
                state.bookings[original]?.active = false
                return (#"{"setlinfo":{"setl_id":"U-\#(original)","medfee_sumamt":-123.40,"fund_pay_sumamt":-70.00,"psn_part_amt":-53.40,"acct_pay":-30.00,"psn_cash_pay":-23.40}}"#, crash)
            case "5204":
                guard !state.queryDown else { return (nil, crash) }
                let settled = state.bookings.first { $0.value.active }.map { "S-" + $0.key } ?? ""
                return (#"[{"feedetl_sn":"F1","setl_id":"\#(settled)"}]"#, crash)
            case "5203":
                let original = String((data["setl_id"]?.text ?? "").dropFirst(2))
                return (#"{"setlinfo":{"setl_id":"S-\#(original)","mdtrt_id":"V1","medfee_sumamt":123.40,"fund_pay_sumamt":70.00,"psn_part_amt":53.40,"acct_pay":30.00,"psn_cash_pay":23.40,"medins_setl_id":"\#(original)"}}"#, crash)
            default:
                return (nil, crash)
            }
        }
        if crash { throw SimulatedCrash() }
        let body = output.map { #"{"infcode":0,"output":\#($0)}"# } ?? #"{"infcode":-1,"err_msg":"原交易不存在"}"#
        return HTTPResponse(status: 200, body: Data(body.utf8))
    }
}

/// A cash channel as state: orders paid, or declined when told.
final class FakeCashChannel: PaymentChannel, @unchecked Sendable {
    let id = ChannelID("fake-cash")
    let capabilities = ChannelCapabilities(operations: [.pay, .query, .refund, .refundQuery], scenes: [.barcode])
    let state = Mutex<(paid: [String: Amount], refunded: [String: Amount], crashAfterPay: Bool, crashAfterRefund: Bool, decline: Bool)>(([:], [:], false, false, false))

    var paidAmount: Amount { state.withLock { (try? Amount.sum($0.paid.values)) ?? .zero } }
    var refundedAmount: Amount { state.withLock { (try? Amount.sum($0.refunded.values)) ?? .zero } }

    func refund(_ request: RefundRequest) async throws -> Outcome<Refund> {
        let crash = state.withLock { state -> Bool in
            state.refunded[request.outRefundNo] = request.refundAmount  // idempotent by refund number
            let crash = state.crashAfterRefund
            state.crashAfterRefund = false
            return crash
        }
        if crash { throw SimulatedCrash() }
        return .success(Refund(outRefundNo: request.outRefundNo, amount: request.refundAmount), ChannelStatus(code: "SUCCESS"))
    }

    func queryRefund(_ refund: RefundReference) async throws -> Outcome<Refund> {
        guard let amount = state.withLock({ $0.refunded[refund.outRefundNo] }) else { return .failure(ChannelStatus(code: "NOT_FOUND")) }
        return .success(Refund(outRefundNo: refund.outRefundNo, amount: amount), ChannelStatus(code: "SUCCESS"))
    }

    func pay(_ request: PayRequest) async throws -> Outcome<Payment> {
        let (crash, decline, duplicate) = state.withLock { state -> (Bool, Bool, Bool) in
            // Like every channel, an order number already paid is refused, not charged again.
            if state.paid[request.outTradeNo] != nil { return (false, false, true) }
            if !state.decline { state.paid[request.outTradeNo] = request.amount }
            let crash = state.crashAfterPay
            state.crashAfterPay = false
            return (crash, state.decline, false)
        }
        if duplicate { return .failure(ChannelStatus(code: "ORDERPAID")) }
        if crash { throw SimulatedCrash() }
        if decline { return .failure(ChannelStatus(code: "DECLINED")) }
        return .success(Payment(outTradeNo: request.outTradeNo, amount: request.amount), ChannelStatus(code: "SUCCESS"))
    }

    func query(_ order: OrderReference) async throws -> Outcome<Payment> {
        guard let amount = state.withLock({ $0.paid[order.outTradeNo ?? ""] }) else { return .failure(ChannelStatus(code: "ORDER_NOT_EXIST")) }
        return .success(Payment(outTradeNo: order.outTradeNo ?? "", amount: amount), ChannelStatus(code: "SUCCESS"))
    }
}

/// A journal that crashes right after its n-th save.
actor CrashingJournal: CheckoutJournal {
    let inner = InMemoryCheckoutJournal()
    var savesLeft: Int

    init(crashAfterSave n: Int) { savesLeft = n }

    func record(for billID: String) async throws -> CheckoutRecord? { await inner.record(for: billID) }

    func save(_ record: CheckoutRecord) async throws {
        await inner.save(record)
        savesLeft -= 1
        if savesLeft == 0 { throw SimulatedCrash() }
    }
}

@Suite struct CombinedCheckoutTests {
    let bill = OutpatientBill(
        billID: "RCPT20261122001",
        settlement: SettlementRequest(personID: "P1", certificateType: "01", certificateNumber: "ECTOKEN", total: Amount(fen: 12_340), visitID: "V1",
                                      chargeBatch: "CB1", useAccount: true, insuranceType: "310"),
        insuredArea: "440100", cashOrderNo: "CASH20261122001", subject: "门诊缴费", cashScene: .barcode(authCode: "134567890123456789"))

    func parts(_ platform: FakeInsurancePlatform, _ cash: FakeCashChannel, _ journal: any CheckoutJournal) -> CombinedCheckout {
        let client = NHSAClient(
            profile: NHSAProfile(fixmedinsCode: "H44010600001", fixmedinsName: "测试医院", mdtrtareaAdmvs: "440100", gateway: "https://fsi.example.gov.cn/api"),
            transport: platform, time: ManualTimeSource(Date(timeIntervalSince1970: 1_795_312_800)), sequence: 0)
        return CombinedCheckout(insurance: client, cash: cash, journal: journal)
    }

    @Test func happyPathSettlesBothLegs() async throws {
        let platform = FakeInsurancePlatform()
        let cash = FakeCashChannel()
        let state = try await parts(platform, cash, InMemoryCheckoutJournal()).run(bill)
        #expect(state == .completed(settlementID: "S-H44010600001202611221000000002", cash: Amount(fen: 2340)))
        #expect(platform.activeSettlements == 1)
        #expect(cash.paidAmount == Amount(fen: 2340))
    }

    @Test func aRefusedPreSettlementBooksNothing() async throws {
        let platform = FakeInsurancePlatform()
        let cash = FakeCashChannel()
        var refused = bill
        refused.settlement.personID = "REFUSE"
        platform.refuse = "REFUSE"
        guard case .rolledBack(let reason) = try await parts(platform, cash, InMemoryCheckoutJournal()).run(refused) else { Issue.record("expected a rollback"); return }
        #expect(reason.contains("pre-settlement"))
        #expect(platform.activeSettlements == 0)
        #expect(cash.paidAmount == .zero)
    }

    @Test func declinedCashUndoesTheInsuranceSettlement() async throws {
        let platform = FakeInsurancePlatform()
        let cash = FakeCashChannel()
        cash.state.withLock { $0.decline = true }
        guard case .rolledBack = try await parts(platform, cash, InMemoryCheckoutJournal()).run(bill) else { Issue.record("expected a rollback"); return }
        #expect(platform.activeSettlements == 0)
        #expect(cash.paidAmount == .zero)
    }

    /// Killed after each journaled step, and after each request was processed but before its answer
    /// arrived; restarted; each run ends with both legs booked once or neither.
    @Test(arguments: [1, 2, 3, 4, 5])
    func crashAfterEachJournaledStepResumesConsistently(saves: Int) async throws {
        let platform = FakeInsurancePlatform()
        let cash = FakeCashChannel()
        let journal = CrashingJournal(crashAfterSave: saves)
        var state: CheckoutState?
        do { state = try await parts(platform, cash, journal).run(bill) } catch is SimulatedCrash {}
        if state == nil { state = try await parts(platform, cash, journal.inner).run(bill) }
        try assertConsistent(state, platform, cash)
    }

    @Test func crashAfterTheSettlementWasBookedButBeforeItsAnswerIsReversedThenSettledOnce() async throws {
        let platform = FakeInsurancePlatform()
        let cash = FakeCashChannel()
        let journal = InMemoryCheckoutJournal()
        platform.crash(after: "2207")
        await #expect(throws: SimulatedCrash.self) { try await parts(platform, cash, journal).run(bill) }
        #expect(platform.activeSettlements == 1)  // booked, answer lost
        let state = try await parts(platform, cash, journal).run(bill)
        guard case .completed = state else { Issue.record("expected completion, got \(state)"); return }
        #expect(platform.activeSettlements == 1)  // the first was reversed by 2601, the second kept
        try assertConsistent(state, platform, cash)
    }

    /// The issue's case: the 2207 answer is lost and the platform refuses the reversal (past its
    /// window). Its records (5204/5203) show the settlement under that msgid: it is kept — not
    /// settled a second time — and the cash part taken once.
    @Test func aRefusedReversalIsResolvedByQueryNeverBySettlingAgain() async throws {
        let platform = FakeInsurancePlatform()
        let cash = FakeCashChannel()
        let journal = InMemoryCheckoutJournal()
        platform.crash(after: "2207")
        platform.state.withLock { $0.refuseReversal = true }
        await #expect(throws: SimulatedCrash.self) { try await parts(platform, cash, journal).run(bill) }
        let state = try await parts(platform, cash, journal).run(bill)
        #expect(state == .completed(settlementID: "S-H44010600001202611221000000002", cash: Amount(fen: 2340)))
        #expect(platform.bookedSettlements == 1 && platform.activeSettlements == 1)
        #expect(platform.state.withLock { $0.sent } == ["2206", "2207", "2601", "5204", "5203"])
        try assertConsistent(state, platform, cash)
    }

    /// Refused reversal, and the records show nothing booked under the msgid (the request never
    /// reached the platform): settled afresh, once.
    @Test func aRefusedReversalOfANeverBookedSettlementSettlesAfreshOnce() async throws {
        let platform = FakeInsurancePlatform()
        let cash = FakeCashChannel()
        let journal = InMemoryCheckoutJournal()
        var record = CheckoutRecord(billID: bill.billID, personID: "P1", cashOrderNo: bill.cashOrderNo)
        record.step = .settling
        record.settlementMessageID = "H44010600001202611220959590001"  // journaled, then the process died before sending
        await journal.save(record)
        platform.state.withLock { $0.refuseReversal = true }
        let state = try await parts(platform, cash, journal).run(bill)
        guard case .completed = state else { Issue.record("expected completion, got \(state)"); return }
        #expect(platform.bookedSettlements == 1)
        try assertConsistent(state, platform, cash)
    }

    /// Refused reversal and no answer from the query: nothing is settled on a guess; the bill stays
    /// unresolved with a note naming the msgid for the operator, and a later run (query back) resolves it.
    @Test func aRefusedReversalWithoutAQueryAnswerStaysUnresolved() async throws {
        let platform = FakeInsurancePlatform()
        let cash = FakeCashChannel()
        let journal = InMemoryCheckoutJournal()
        platform.crash(after: "2207")
        platform.state.withLock {
            $0.refuseReversal = true
            $0.queryDown = true
        }
        await #expect(throws: SimulatedCrash.self) { try await parts(platform, cash, journal).run(bill) }
        guard case .unresolved(let reason) = try await parts(platform, cash, journal).run(bill) else { Issue.record("expected unresolved"); return }
        #expect(reason.contains("H44010600001202611221000000002") && reason.contains("5204/5203"))
        #expect(await journal.record(for: bill.billID)?.step == .settling)
        #expect(platform.bookedSettlements == 1 && cash.paidAmount == .zero)
        platform.state.withLock { $0.queryDown = false }
        let state = try await parts(platform, cash, journal).run(bill)
        guard case .completed = state else { Issue.record("expected completion, got \(state)"); return }
        #expect(platform.bookedSettlements == 1)
        try assertConsistent(state, platform, cash)
    }

    /// A 2207 answer that breaks the split's identities is booked as answered and flagged — no
    /// reversal, no second settlement; the cash part is what the platform says the patient owes.
    @Test func aSettlementThatDoesNotAddUpIsFlaggedNotLooped() async throws {
        let platform = FakeInsurancePlatform()
        let cash = FakeCashChannel()
        let journal = InMemoryCheckoutJournal()
        platform.state.withLock { $0.badSplit = true }
        let state = try await parts(platform, cash, journal).run(bill)
        #expect(state == .completed(settlementID: "S-H44010600001202611221000000002", cash: Amount(fen: 2339)))
        #expect(platform.bookedSettlements == 1 && platform.state.withLock { $0.sent } == ["2206", "2207"])
        #expect(await journal.record(for: bill.billID)?.flag?.contains("does not add up") == true)
    }

    @Test func crashAfterTheCashWasTakenButBeforeItsAnswerCompletesWithoutChargingTwice() async throws {
        let platform = FakeInsurancePlatform()
        let cash = FakeCashChannel()
        let journal = InMemoryCheckoutJournal()
        cash.state.withLock { $0.crashAfterPay = true }
        await #expect(throws: SimulatedCrash.self) { try await parts(platform, cash, journal).run(bill) }
        let state = try await parts(platform, cash, journal).run(bill)
        guard case .completed = state else { Issue.record("expected completion, got \(state)"); return }
        #expect(cash.paidAmount == Amount(fen: 2340))
        try assertConsistent(state, platform, cash)
    }

    @Test func refundSplitsBackAcrossBothLegs() async throws {
        let platform = FakeInsurancePlatform()
        let cash = FakeCashChannel()
        let journal = InMemoryCheckoutJournal()
        _ = try await parts(platform, cash, journal).run(bill)
        #expect(try await parts(platform, cash, journal).refund(bill) == .refunded(cash: Amount(fen: 2340)))
        #expect(platform.activeSettlements == 0)
        #expect(cash.refundedAmount == Amount(fen: 2340))
        // Refunding again is a no-op that reports the same result.
        #expect(try await parts(platform, cash, journal).refund(bill) == .refunded(cash: Amount(fen: 2340)))
        #expect(cash.refundedAmount == Amount(fen: 2340))
    }

    /// Killed after each journaled refund step (and after the cash refund was processed but unanswered),
    /// restarted: both legs refunded exactly once.
    @Test(arguments: [1, 2, 3, 4])
    func refundCrashAfterEachStepResumesConsistently(saves: Int) async throws {
        let platform = FakeInsurancePlatform()
        let cash = FakeCashChannel()
        let base = InMemoryCheckoutJournal()
        _ = try await parts(platform, cash, base).run(bill)
        let record = try #require(await base.record(for: bill.billID))
        let journal = CrashingJournal(crashAfterSave: saves)
        await journal.inner.save(record)
        if saves == 4 { cash.state.withLock { $0.crashAfterRefund = true } }
        var state: CheckoutState?
        do { state = try await parts(platform, cash, journal).refund(bill) } catch is SimulatedCrash {}
        if state == nil { state = try await parts(platform, cash, journal.inner).refund(bill) }
        #expect(state == .refunded(cash: Amount(fen: 2340)))
        #expect(platform.activeSettlements == 0)
        #expect(cash.refundedAmount == Amount(fen: 2340))
    }

    @Test func onlyACompletedCheckoutCanBeRefunded() async throws {
        await #expect(throws: ChannelError(.invalidRequest, reason: "")) {
            try await parts(FakeInsurancePlatform(), FakeCashChannel(), InMemoryCheckoutJournal()).refund(bill)
        }
    }

    @Test func aMobilePayRecordIsNotResumedAsAHospitalSideCheckout() async throws {
        let journal = InMemoryCheckoutJournal()
        var record = CheckoutRecord(billID: bill.billID, personID: "P1", cashOrderNo: bill.cashOrderNo)
        record.step = .uploaded
        await journal.save(record)
        let platform = FakeInsurancePlatform()
        await #expect(throws: ChannelError(.invalidRequest, reason: "")) { try await parts(platform, FakeCashChannel(), journal).run(bill) }
        #expect(platform.activeSettlements == 0)
    }

    private func assertConsistent(_ state: CheckoutState?, _ platform: FakeInsurancePlatform, _ cash: FakeCashChannel) throws {
        switch state {
        case .completed?:
            #expect(platform.activeSettlements == 1)
            #expect(cash.paidAmount == Amount(fen: 2340))
        case .rolledBack?:
            #expect(platform.activeSettlements == 0)
            #expect(cash.paidAmount == .zero)
        default:
            Issue.record("the checkout did not finish: \(String(describing: state))")
        }
    }
}
