import Foundation
import HISPayCore

/// Settles an outpatient bill partly from insurance (fund and personal account) and the rest in cash on
/// any ``PaymentChannel`` — pre-settlement (2206), settlement (2207) with the patient's authorisation
/// (the e-voucher token as `mdtrt_cert_no`), then the cash part — and never ends half-done.
///
/// Every step is journaled *before* it is attempted, so running the same bill again after a crash or
/// timeout resumes it: a 2207 that may have been sent is reversed with 2601 and settled afresh; a cash
/// payment that may have been sent is queried; a cash payment that definitely failed undoes the
/// insurance settlement (2208). The checkout ends `completed` (both legs booked) or `rolledBack`
/// (nothing booked), or waits for the patient (`awaitingCash`) or for an answer (`unresolved`).
public struct CombinedCheckout: Sendable {
    public let insurance: NHSAClient
    public let cash: any PaymentChannel
    public let journal: any CheckoutJournal

    public init(insurance: NHSAClient, cash: any PaymentChannel, journal: any CheckoutJournal) {
        self.insurance = insurance
        self.cash = cash
        self.journal = journal
    }

    /// Runs or resumes the checkout of `bill`.
    public func run(_ bill: OutpatientBill) async throws -> CheckoutState {
        var record = try await journal.record(for: bill.billID)
            ?? CheckoutRecord(billID: bill.billID, personID: bill.settlement.personID, cashOrderNo: bill.cashOrderNo)
        var settlementAttempts = 0
        while true {
            switch record.step {
            case .started:
                settlementAttempts += 1
                guard settlementAttempts <= 3 else { return .unresolved("the insurance platform did not answer three settlement attempts") }
                // 2206 first: it books nothing, and a bill the platform would refuse stops here.
                do {
                    record.preSettledCash = try await insurance.preSettle(bill.settlement, insuredArea: bill.insuredArea).cashPay
                } catch let error as ChannelError where error.code == .invalidRequest {
                    return try await journal.finish(&record, .rolledBack, note: "insurance refused the pre-settlement: \(error.reason)")
                } catch let error as ChannelError where error.isRetrySafe {
                    return .unresolved("insurance platform unreachable: \(error.reason)")
                } catch let error as NHSAUnknownOutcome {
                    return .unresolved(error.description)
                }
                record.settlementMessageID = insurance.nextMessageID()
                record.step = .settling
                try await journal.save(record)
                let settled: Outcome<SettlementResult>
                do {
                    settled = try await insurance.settle(bill.settlement, insuredArea: bill.insuredArea, messageID: record.settlementMessageID)
                } catch let error as ChannelError where error.isRetrySafe {
                    // Surely not sent: nothing to reverse.
                    record.step = .started
                    record.settlementMessageID = nil
                    try await journal.save(record)
                    return .unresolved("insurance platform unreachable: \(error.reason)")
                }
                switch settled {
                case .success(let result, _):
                    record.settlementID = result.settlementID
                    record.visitID = result.visitID ?? bill.settlement.visitID
                    record.cashAmount = result.cashPay
                    record.step = .settled
                    try await journal.save(record)
                case .failure(let status):
                    return try await journal.finish(&record, .rolledBack, note: "insurance refused the settlement: \(status.message ?? status.description)")
                case .pending, .unknown:
                    // Sent but unanswered: resolved on the next pass by reversal.
                    continue
                }
            case .settling:
                // 2207 may or may not have been booked: reverse it (a no-op on the platform if it was not), then settle afresh.
                if let messageID = record.settlementMessageID {
                    do {
                        try await insurance.reverse(messageID: messageID, infno: "2207", personID: record.personID, insuredArea: bill.insuredArea)
                    } catch let error as NHSAUnknownOutcome {
                        return .unresolved(error.description)
                    } catch let error as ChannelError where error.code == .transport {
                        return .unresolved(error.reason)
                    } catch let error as ChannelError where error.code == .invalidRequest {
                        // The platform has nothing to reverse under that msgid: the settlement never happened.
                    }
                }
                record.settlementMessageID = nil
                record.step = .started
                try await journal.save(record)
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
                return try await journal.finish(&record, .rolledBack, note: "cash payment failed (\(status.code ?? "-")); insurance settlement undone")
            default:
                return .unresolved("cash payment failed and the insurance undo (2208) has no answer yet")
            }
        }
    }
}
