import Foundation
import HISPayCore
import HISPayStore
import MedicalInsurance

/// Settles an outpatient bill through the mobile-payment centre: the fee upload (6201) with the
/// patient's `payAuthNo`, then either a mixed order on the wallet (WeChat `/v3/med-ins/orders`,
/// Alipay medical createandpay — the wallet's platform settles the insurance part when the patient
/// pays) or the hospital's own payment order (6202) followed by a plain cash payment — and never
/// ends half-done.
///
/// Every step is journaled *before* it is attempted, so running the same bill again after a crash
/// or timeout resumes it: an unanswered upload is sent again (it books nothing); a 6202 that may
/// have been sent is resolved by the order's status (6301); a cash leg that may have been placed is
/// queried, never placed twice; a cash leg that definitely failed rolls the insurance part back —
/// refunded (6203) when it was paid, the upload undone (6401) when it was not.
public struct MobilePayCheckout: Sendable {
    public let centre: MobilePayClient
    public let cash: any MobilePayCashLeg
    public let journal: any CheckoutJournal

    public init(centre: MobilePayClient, cash: any MobilePayCashLeg, journal: any CheckoutJournal) {
        self.centre = centre
        self.cash = cash
        self.journal = journal
    }

    /// Runs or resumes the checkout of `bill`. A call that went unanswered ends the run
    /// `unresolved`; its step is journaled, so the next run resolves it.
    public func run(_ bill: MobilePayBill) async throws -> CheckoutState {
        try await resolvingSilence { try await advance(bill) }
    }

    /// Refunds a completed checkout back across its legs: the insurance part, and the cash part
    /// with it, is refunded at the centre (6203, under a refund number derived from the bill), then
    /// the cash leg is refunded on its channel — each step journaled first, so running it again
    /// resumes (6203 is resent under the same `appRefdSn`; a refusal on resume is checked against
    /// the order's status).
    public func refund(_ bill: MobilePayBill) async throws -> CheckoutState {
        try await resolvingSilence { try await advanceRefund(bill) }
    }

    /// Turns a call that went unanswered (or surely was not sent) into ``CheckoutState/unresolved(_:)``.
    private func resolvingSilence(_ body: () async throws -> CheckoutState) async throws -> CheckoutState {
        do {
            return try await body()
        } catch let error as NHSAUnknownOutcome {
            return .unresolved(error.description)
        } catch let error as ChannelError where error.code == .transport {
            return .unresolved("no answer: \(error.reason)")
        }
    }

    private func advance(_ bill: MobilePayBill) async throws -> CheckoutState {
        // A bill the centre would refuse stops here, before anything is sent or journaled.
        try MobilePayAPI.uploadFees.validate(bill.uploadData)
        var record = try await journal.record(for: bill.billID)
            ?? CheckoutRecord(billID: bill.billID, personID: bill.upload.objectValue["psnNo"]?.text ?? "", cashOrderNo: bill.cashOrderNo)
        while true {
            switch record.step {
            case .started:
                // 6201 books nothing: an upload whose answer was lost is simply sent again.
                let answer: [String: ConfigValue]
                do {
                    answer = try await centre.uploadFees(bill.uploadData).objectValue
                } catch let error as ChannelError where error.code == .invalidRequest {
                    return try await journal.finish(&record, .rolledBack, note: "the centre refused the fee upload: \(error.reason)")
                }
                guard let payOrderID = answer["payOrdId"]?.text, let payToken = answer["payToken"]?.text else {
                    throw ChannelError(.invalidResponse, channel: .insurance, reason: "6201 answer lacks payOrdId or payToken")
                }
                record.payOrderID = payOrderID
                record.payToken = payToken
                record.visitID = answer["extData"]?.objectValue["mdtrtId"]?.text ?? answer["mdtrtId"]?.text ?? bill.upload.objectValue["mdtrtId"]?.text
                do {
                    record.split = try SettlementResult(mobilePay: answer)
                    record.cashAmount = record.split?.cashPay
                    record.step = .uploaded
                } catch {
                    // The centre's numbers disagree: nothing is paid yet, so the upload is undone.
                    record.step = .undoingInsurance
                    record.note = error.reason
                }
                try await journal.save(record)
            case .uploaded:
                guard !cash.settlesInsurance else {
                    if let state = try await placeCash(&record, bill) { return state }
                    continue
                }
                record.step = .settling
                try await journal.save(record)
                let answer: [String: ConfigValue]
                do {
                    answer = try await centre.placeOrder(.object(bill.carried("orgCodg", "chrgBchno", "feeType").merging([
                        "payOrdId": .string(record.payOrderID ?? ""), "payToken": .string(record.payToken ?? ""), "payAuthNo": .string(bill.payAuthNo),
                        "orgBizSer": .string(bill.billID), "mdtrtId": .string(record.visitID ?? ""),
                    ]) { $1 })).objectValue
                } catch let error as ChannelError where error.isRetrySafe {
                    // Surely not sent.
                    record.step = .uploaded
                    try await journal.save(record)
                    throw error
                } catch let error as ChannelError where error.code == .invalidRequest {
                    record.step = .undoingInsurance
                    record.note = "the centre refused the payment order: \(error.reason)"
                    try await journal.save(record)
                    continue
                }
                // Some centres answer 6202 with the split, others only with the order.
                let hasSplit = answer["feeSumamt"] != nil || answer["medfeeSumamt"] != nil
                try await insurancePaid(hasSplit ? SettlementResult(mobilePay: answer) : nil, &record)
            case .settling:
                let status = try await orderStatus(record, bill)
                if status.isInsurancePaid {
                    try await insurancePaid(record.split, &record)
                } else if status.isUnpaid {
                    record.step = .uploaded
                    try await journal.save(record)
                } else if status.isClosed {
                    return try await journal.finish(&record, .rolledBack, note: "the centre closed the order (ordStas \(status.rawValue))")
                } else {
                    return .unresolved("insurance payment in progress (ordStas \(status.rawValue)): run again later")
                }
            case .settled:
                guard let amount = record.cashAmount, amount.fen > 0 else {
                    return try await journal.finish(&record, .completed, note: nil)
                }
                if let state = try await placeCash(&record, bill) { return state }
            case .cashPending:
                if let state = try await settleCash(try await cash.query(order(record, bill)), &record) { return state }
            case .undoingInsurance:
                if let state = try await undoInsurance(&record, bill) { return state }
            case .completed:
                return record.completedState
            case .rolledBack:
                return .rolledBack(record.note ?? "rolled back")
            case .refundingInsurance, .refundingCash, .refunded:
                return try await advanceRefund(bill)
            }
        }
    }

    private func advanceRefund(_ bill: MobilePayBill) async throws -> CheckoutState {
        var record = try await journal.recordToRefund(bill.billID)
        while true {
            switch record.step {
            case .completed:
                record.beginRefund()
                try await journal.save(record)
            case .refundingInsurance:
                if let state = try await refundAtCentre(&record, bill, refundNo: record.cashRefundNo) { return state }
                record.step = .refundingCash
                try await journal.save(record)
            case .refundingCash:
                if cash.settlesInsurance || (record.cashAmount?.fen ?? 0) > 0 {
                    switch try await cash.refund(order(record, bill), refundNo: record.cashRefundNo) {
                    case .success, .pending: break
                    case .failure(let status), .unknown(let status): return .unresolved("cash refund not confirmed: \(status)")
                    }
                }
                record.step = .refunded
                try await journal.save(record)
            case .refunded:
                return .refunded(cash: record.cashAmount ?? .zero)
            default:
                throw record.notRefundable
            }
        }
    }

    // MARK: - Steps

    /// Journals that the cash leg may be placed from here on, places it and acts on the outcome.
    private func placeCash(_ record: inout CheckoutRecord, _ bill: MobilePayBill) async throws -> CheckoutState? {
        record.step = .cashPending
        try await journal.save(record)
        return try await settleCash(try await cash.place(order(record, bill)), &record)
    }

    /// Books the centre's answer to 6202 (or the uploaded split, once 6301 says it was paid).
    private func insurancePaid(_ split: SettlementResult?, _ record: inout CheckoutRecord) async throws {
        if let split {
            record.split = split
            record.cashAmount = split.cashPay
        }
        record.settlementID = record.payOrderID
        record.step = .settled
        try await journal.save(record)
    }

    /// Acts on the cash leg's outcome; nil to keep going.
    private func settleCash(_ outcome: Outcome<Payment>, _ record: inout CheckoutRecord) async throws -> CheckoutState? {
        switch outcome {
        case .success:
            if cash.settlesInsurance { record.settlementID = record.payOrderID }
            return try await journal.finish(&record, .completed, note: nil)
        case .pending(let payment, _):
            return .awaitingCash(payment?.payerAction)
        case .unknown(let status):
            return .unresolved("cash payment outcome unknown: \(status)")
        case .failure(let status):
            record.step = .undoingInsurance
            record.note = "cash payment failed (\(status.code ?? "-"))"
            try await journal.save(record)
            return nil
        }
    }

    /// Rolls the insurance part back after asking the centre where the order stands (6301): a
    /// closed order needs nothing, a paid insurance part is refunded (6203) — also when a wallet
    /// paid it in a mixed order that then failed — and an unpaid upload is undone (6401).
    private func undoInsurance(_ record: inout CheckoutRecord, _ bill: MobilePayBill) async throws -> CheckoutState? {
        let note = record.note ?? "rolled back"
        let status = try await orderStatus(record, bill)
        if status.isClosed {
            return try await journal.finish(&record, .rolledBack, note: "\(note); the centre holds the order closed (ordStas \(status.rawValue))")
        }
        if record.settlementID != nil || status.isInsurancePaid {
            if let state = try await refundAtCentre(&record, bill, refundNo: record.cashOrderNo + "C") { return state }
            return try await journal.finish(&record, .rolledBack, note: "\(note); insurance part refunded (6203)")
        }
        do {
            _ = try await centre.undoUpload(.object(identifying(record, bill).merging(["payAuthNo": .string(bill.payAuthNo)]) { $1 }))
        } catch let error as ChannelError where error.code == .invalidRequest {
            return .unresolved("the centre refused the upload undo (6401) of an order in ordStas \(status.rawValue): \(error.reason)")
        }
        return try await journal.finish(&record, .rolledBack, note: "\(note); fee upload undone (6401)")
    }

    /// 6203 for the whole order under `refundNo`; nil once the centre refunded it.
    private func refundAtCentre(_ record: inout CheckoutRecord, _ bill: MobilePayBill, refundNo: String) async throws -> CheckoutState? {
        guard let split = record.split else { return .unresolved("bill \(record.billID) has no split to refund") }
        do {
            _ = try await centre.refund(.object([
                "payOrdId": .string(record.payOrderID ?? ""), "payAuthNo": .string(bill.payAuthNo), "appRefdSn": .string(refundNo),
                "appRefdTime": .string(BeijingTime.compact(centre.time.now())),
                "totlRefdAmt": .number(split.total.yuanString), "fundRefdAmt": .number(split.fundPay.yuanString),
                "psnAcctRefdAmt": .number(split.accountPay.yuanString), "cashRefdAmt": .number(split.cashPay.yuanString), "refdType": .string("ALL"),
            ]))
        } catch let error as ChannelError where error.code == .invalidRequest {
            // Refused, e.g. resent after a lost answer: fine only if the centre holds it refunded.
            let status = try await orderStatus(record, bill)
            guard status.isClosed else { return .unresolved("the centre refused the refund (6203): \(error.reason)") }
        }
        return nil
    }

    private func orderStatus(_ record: CheckoutRecord, _ bill: MobilePayBill) async throws -> MobilePayOrderStatus {
        let answer = try await centre.queryOrder(.object(identifying(record, bill))).objectValue
        guard let status = answer["ordStas"]?.text else {
            throw ChannelError(.invalidResponse, channel: .insurance, reason: "6301 answer lacks ordStas")
        }
        return MobilePayOrderStatus(rawValue: status)
    }

    /// What 6301 and 6401 name the order by: its `payOrdId` and `payToken`, the institution and the patient.
    private func identifying(_ record: CheckoutRecord, _ bill: MobilePayBill) -> [String: ConfigValue] {
        bill.carried("orgCodg", "idNo", "userName", "idType").merging([
            "payOrdId": .string(record.payOrderID ?? ""), "payToken": .string(record.payToken ?? ""),
        ]) { $1 }
    }

    private func order(_ record: CheckoutRecord, _ bill: MobilePayBill) throws -> MobilePayOrder {
        guard let payOrderID = record.payOrderID, let payToken = record.payToken, let split = record.split else {
            throw ChannelError(.invalidRequest, channel: .insurance, reason: "bill \(bill.billID) has no uploaded order yet")
        }
        return MobilePayOrder(
            billID: bill.billID, payOrderID: payOrderID, payToken: payToken, payAuthNo: bill.payAuthNo, split: split,
            cashOrderNo: bill.cashOrderNo, subject: bill.subject)
    }
}
