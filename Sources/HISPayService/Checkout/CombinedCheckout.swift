import Foundation
import HISPayCore
import HISPayStore
import MedicalInsurance

/// Settles an outpatient bill partly from insurance (fund and personal account) and the rest in cash on
/// any `PaymentChannel` — pre-settlement (2206), settlement (2207) with the patient's authorisation
/// (the e-voucher token as `mdtrt_cert_no`), then the cash part — and never ends half-done.
///
/// Every step is journaled *before* it is attempted, so running the same bill again after a crash or
/// timeout resumes it: a 2207 that may have been sent is reversed with 2601 — and when the platform
/// refuses the reversal, looked up in its records (5204/5203 by the msgid) — and settled afresh only
/// when it surely is not booked; a cash payment that may have been sent is queried; a cash payment
/// that definitely failed undoes the insurance settlement (2208). The checkout ends `completed` (both
/// legs booked) or `rolledBack` (nothing booked), or waits for the patient (`awaitingCash`) or for an
/// answer (`unresolved`).
public struct CombinedCheckout: Sendable {
    public let insurance: NHSAClient
    public let cash: any PaymentChannel
    public let journal: any CheckoutJournal
    /// The clock the record's `settledAt` and `undoneAt` are read from.
    public let time: any TimeSource

    public init(insurance: NHSAClient, cash: any PaymentChannel, journal: any CheckoutJournal, time: any TimeSource = SystemTimeSource()) {
        self.insurance = insurance
        self.cash = cash
        self.journal = journal
        self.time = time
    }

    /// Runs or resumes the checkout of `bill`. A bill lacking a field the platform requires is refused
    /// before anything is sent or journaled.
    public func run(_ bill: OutpatientBill) async throws -> CheckoutState {
        _ = try bill.settlement.preSettlementInput
        for line in bill.fees { _ = try line.row }
        var record = try await journal.record(for: bill.billID)
            ?? CheckoutRecord(billID: bill.billID, personID: bill.settlement.personID, cashOrderNo: bill.cashOrderNo)
        var settlementAttempts = 0
        while true {
            switch record.step {
            case .started:
                settlementAttempts += 1
                guard settlementAttempts <= 3 else { return .unresolved("the insurance platform did not answer three settlement attempts") }
                if let state = try await uploadFees(bill, &record) { return state }
                // 2206 first: it books nothing, and a bill the platform would refuse stops here.
                let preview: SettlementResult
                do {
                    preview = try await insurance.preSettle(bill.settlement, insuredArea: bill.insuredArea)
                } catch let error as ChannelError where error.code == .invalidRequest {
                    return try await journal.finish(&record, .rolledBack, note: "insurance refused the pre-settlement: \(error.reason)")
                } catch let error as ChannelError where error.isRetrySafe {
                    return .unresolved("insurance platform unreachable: \(error.reason)")
                } catch let error as NHSAUnknownOutcome {
                    return .unresolved(error.description)
                }
                record.preSettledCash = preview.cashPay
                let policy = preview.policyAmounts ?? record.policyAmounts
                do { _ = try bill.settlement.settlementInput(policy: policy) } catch {
                    return try await journal.finish(&record, .rolledBack, note: "the settlement cannot be sent: \(error.reason)")
                }
                record.settlementMessageID = insurance.nextMessageID()
                record.step = .settling
                try await journal.save(record)
                let settled: Outcome<SettlementResult>
                do {
                    settled = try await insurance.settle(bill.settlement, policy: policy, insuredArea: bill.insuredArea, messageID: record.settlementMessageID)
                } catch let error as ChannelError where error.isRetrySafe {
                    // Surely not sent: nothing to reverse.
                    record.step = .started
                    record.settlementMessageID = nil
                    try await journal.save(record)
                    return .unresolved("insurance platform unreachable: \(error.reason)")
                }
                switch settled {
                case .success(let result, _):
                    try await booked(result, &record, bill)
                case .failure(let status):
                    return try await journal.finish(&record, .rolledBack, note: "insurance refused the settlement: \(status.message ?? status.description)")
                case .pending, .unknown:
                    // Sent but unanswered: resolved on the next pass, by reversal or by query.
                    continue
                }
            case .settling:
                if let state = try await resolveSettlement(bill, &record) { return state }
            case .settled:
                guard let amount = record.cashAmount, amount.fen > 0 else {
                    return try await journal.finish(&record, .completed, note: nil)
                }
                record.step = .cashPending
                try await journal.save(record)
                let outcome = try await cash.pay(PayRequest(outTradeNo: record.cashOrderNo, amount: amount, subject: bill.subject, scene: bill.cashScene))
                if let state = try await settleCash(outcome, &record, bill) { return state }
            case .cashPending:
                let outcome = try await cash.query(.outTradeNo(record.cashOrderNo))
                if let state = try await settleCash(outcome, &record, bill) { return state }
            case .completed:
                return record.completedState
            case .rolledBack:
                return .rolledBack(record.note ?? "rolled back")
            case .refundingInsurance, .refundingCash, .refunded:
                return try await refund(bill)
            case .uploaded, .undoingInsurance:
                throw ChannelError(.invalidRequest, channel: .insurance, reason: "bill \(bill.billID) is a mobile-pay checkout: resume it with MobilePayCheckout")
            }
        }
    }

    /// 2204 for the bill's fee lines, once (journaled): the policy amounts of the platform's per-line
    /// results are kept for 2207. A refused upload is checked against the visit's lines on the
    /// platform (5204): all of them there means an earlier run's upload went through; else the bill
    /// rolls back. Nil to keep going.
    private func uploadFees(_ bill: OutpatientBill, _ record: inout CheckoutRecord) async throws -> CheckoutState? {
        guard !bill.fees.isEmpty, record.feesUploaded != true else { return nil }
        let settlement = bill.settlement
        do {
            let results = try await insurance.uploadFees(bill.fees, insuredArea: bill.insuredArea)
            record.policyAmounts = results.isEmpty ? nil : try PolicyAmounts.sum(results.map(\.policy))
        } catch let refusal as ChannelError where refusal.code == .invalidRequest {
            let held: Set<String>
            do {
                held = Set(try await insurance.feeDetails(visitID: settlement.visitID, personID: settlement.personID, insuredArea: bill.insuredArea).map(\.serial))
            } catch {
                return .unresolved("the fee upload (2204) was refused (\(refusal.reason)) and the fee query (5204) gave no answer: \(Self.reason(error))")
            }
            guard bill.fees.allSatisfy({ held.contains($0.serial) }) else {
                return try await journal.finish(&record, .rolledBack, note: "insurance refused the fee upload: \(refusal.reason)")
            }
        } catch let error as ChannelError where error.isRetrySafe {
            return .unresolved("insurance platform unreachable: \(error.reason)")
        } catch let error as NHSAUnknownOutcome {
            return .unresolved(error.description)
        }
        record.feesUploaded = true
        try await journal.save(record)
        return nil
    }

    /// Books a settlement the platform holds — 2207's answer, or what a query found. A split that
    /// does not add up is kept as the platform booked it and flagged for reconciliation, never
    /// reversed and settled again.
    private func booked(_ result: SettlementResult, _ record: inout CheckoutRecord, _ bill: OutpatientBill) async throws {
        record.settlementID = result.settlementID
        record.visitID = result.visitID ?? bill.settlement.visitID
        record.cashAmount = result.cashPay
        record.settlement = result
        record.settledAt = time.now()
        record.flag = result.inconsistency.map { "the platform's settlement \(result.settlementID ?? "?") does not add up (\($0)): booked as answered; check it in the reconciliation" }
        record.step = .settled
        try await journal.save(record)
    }

    /// A 2207 that may or may not have been booked under its msgid: reverse it (2601). Reversed — or
    /// nothing to reverse *and* the platform's records (5204/5203) show no settlement under that msgid
    /// — the bill is settled afresh; a settlement the records show is kept. Any other answer leaves the
    /// bill `unresolved` with a note for the operator: it never settles on a guess. Nil to keep going.
    private func resolveSettlement(_ bill: OutpatientBill, _ record: inout CheckoutRecord) async throws -> CheckoutState? {
        guard let messageID = record.settlementMessageID else {
            record.step = .started
            try await journal.save(record)
            return nil
        }
        let settlement = bill.settlement
        do {
            try await insurance.reverse(messageID: messageID, infno: "2207", personID: record.personID, insuredArea: bill.insuredArea)
        } catch let error as NHSAUnknownOutcome {
            return .unresolved(error.description)
        } catch let error as ChannelError where error.code == .transport {
            return .unresolved(error.reason)
        } catch let refusal as ChannelError where refusal.code == .invalidRequest {
            // A refusal proves nothing: the settlement may be booked and beyond reversal. Ask.
            let found: SettlementResult?
            do {
                found = try await insurance.settlement(sentAs: messageID, visitID: settlement.visitID, personID: settlement.personID, insuredArea: bill.insuredArea)
            } catch {
                record.note = "2207 msgid \(messageID): the reversal (2601) was refused (\(refusal.reason)) and the settlement query (5204/5203) gave no answer (\(Self.reason(error))): check the platform before running again"
                try await journal.save(record)
                return .unresolved(record.note ?? "")
            }
            if let found {
                record.note = "2207 msgid \(messageID) was booked as \(found.settlementID ?? "?") (found by 5204/5203 after 2601 was refused)"
                try await booked(found, &record, bill)
                return nil
            }
        }
        record.settlementMessageID = nil
        record.step = .started
        try await journal.save(record)
        return nil
    }

    private static func reason(_ error: any Error) -> String {
        (error as? ChannelError)?.reason ?? (error as? NHSAUnknownOutcome)?.description ?? "\(type(of: error))"
    }

    /// Refunds a completed checkout back across its legs: the insurance settlement is undone (2208),
    /// then the cash part refunded on its channel under a refund number derived from the bill — each
    /// step journaled first, so running it again resumes (a repeated 2208 the platform refuses is taken
    /// as already undone; a cash refund that may have been sent is queried, then re-sent under the
    /// same number, which channels treat idempotently).
    public func refund(_ bill: OutpatientBill) async throws -> CheckoutState {
        var record = try await journal.recordToRefund(bill.billID)
        while true {
            switch record.step {
            case .completed:
                record.beginRefund()
                try await journal.save(record)
            case .refundingInsurance:
                if let settlementID = record.settlementID, let visitID = record.visitID {
                    do {
                        let outcome = try await insurance.undoSettlement(settlementID: settlementID, visitID: visitID, personID: record.personID, insuredArea: bill.insuredArea)
                        if case .unknown(let status) = outcome { return .unresolved("insurance undo (2208) unanswered: \(status)") }
                        if case .failure(let status) = outcome { return .unresolved("insurance refused the undo: \(status)") }
                    } catch let error as ChannelError where error.code == .invalidRequest {
                        // Refused on a resumed run: the earlier 2208 already undid it.
                        record.note = "2208 refused on resume (already undone): \(error.reason)"
                    }
                    record.undoneAt = record.undoneAt ?? time.now()
                }
                record.step = .refundingCash
                try await journal.save(record)
            case .refundingCash:
                guard let amount = record.cashAmount, amount.fen > 0 else {
                    record.step = .refunded
                    try await journal.save(record)
                    continue
                }
                switch try await cash.refundOnce(order: .outTradeNo(record.cashOrderNo), refundNo: record.cashRefundNo, amount: amount, reason: "退费") {
                case .success, .pending:
                    record.step = .refunded
                    try await journal.save(record)
                case .failure(let status), .unknown(let status):
                    return .unresolved("cash refund not confirmed: \(status)")
                }
            case .refunded:
                return .refunded(cash: record.cashAmount ?? .zero)
            default:
                throw record.notRefundable
            }
        }
    }

    /// Acts on the cash leg's outcome; nil to keep going.
    private func settleCash(_ outcome: Outcome<Payment>, _ record: inout CheckoutRecord, _ bill: OutpatientBill) async throws -> CheckoutState? {
        switch outcome {
        case .success:
            return try await journal.finish(&record, .completed, note: nil)
        case .pending(let payment, _):
            return .awaitingCash(payment?.payerAction)
        case .unknown(let status):
            return .unresolved("cash payment outcome unknown: \(status)")
        case .failure(let status):
            guard let settlementID = record.settlementID, let visitID = record.visitID else {
                return try await journal.finish(&record, .rolledBack, note: "cash payment failed before insurance settled")
            }
            switch try await insurance.undoSettlement(settlementID: settlementID, visitID: visitID, personID: record.personID, insuredArea: bill.insuredArea) {
            case .success:
                record.undoneAt = time.now()
                return try await journal.finish(&record, .rolledBack, note: "cash payment failed (\(status.code ?? "-")); insurance settlement undone")
            default:
                return .unresolved("cash payment failed and the insurance undo (2208) has no answer yet")
            }
        }
    }
}
