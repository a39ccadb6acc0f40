import Foundation
import HISPay
import HISPayGateway
import HISPayTesting

extension DemoCommand {
    /// What the insurance part of the demo day leaves for the evening: the HIS's insurance rows (the
    /// insurance part of each settlement and undo, by `setl_id`) and the platform's 3202 result as
    /// statement rows.
    struct InsuranceDay {
        var ledger: [LedgerRecord] = []
        var statement: [StatementRecord] = []
        /// The platform's verdict on the day's totals (3201).
        var totals: [PlatformTotals] = []
        var summary = ""
    }

    /// The outpatient flow on the national platform (the sandbox's NHSA interface), for three insured
    /// patients: 1101 → 2201 → 2203, then the checkout's 2204 → 2206 → 2207 and the cash part by
    /// barcode on `cash`. One by face scan; one by social-security card whose 2207 answer is lost and
    /// whose reversal the platform refuses — resolved by query (5204/5203), never settled twice; one by
    /// e-voucher, refunded (2208 and the cash refund) and undone (2205, 2202). Then the day's totals
    /// (3201) and the detail reconciliation (9101 → 3202 → 9102), whose result file is the insurance
    /// statement of the evening's reconciliation.
    func insuranceDay(
        _ day: inout Day, nhsa: NHSASimulator, merchant: MerchantProfile, settings: CurlTransport.Configuration, store: SQLPaymentStore,
        cash: any PaymentChannel
    ) async throws -> InsuranceDay {
        let insurance = try ChannelOption.registry.insuranceClient(merchant: merchant, transports: settings)
        let journal = StoreCheckoutJournal(store: store, merchant: merchant.name)
        let checkout = CombinedCheckout(insurance: insurance, cash: cash, journal: journal)
        let now = Date()
        let area = "440100"

        /// 1101, 2201 and 2203 for one patient; the bill of their visit with its fee lines.
        func visit(_ number: Int, _ certificate: MedicalCertificate, fees: [Int64], useAccount: Bool) async throws -> OutpatientBill {
            let person = try await insurance.personInfo(certificate)
            let visitID = try await insurance.register(RegistrationRequest(
                personID: person.personID, insuranceType: "310", beginTime: now, certificate: certificate, outpatientNumber: "MZ-00\(number)",
                doctorCode: "D001", doctorName: "李医生", departmentCode: "0301", departmentName: "内科", specialty: "A03"), insuredArea: area)
            try await insurance.uploadVisit(VisitInformation(visitID: visitID, personID: person.personID, beginTime: now, diagnoses: [
                .init(order: 1, code: "J06.900", name: "急性上呼吸道感染", department: "内科", doctorCode: "D001", doctorName: "李医生", time: now),
            ]), insuredArea: area)
            let lines = fees.enumerated().map { index, fen in
                FeeDetail(
                    serial: "F\(number)-\(index + 1)", visitID: visitID, personID: person.personID, chargeBatch: "CB000\(number)", time: now,
                    catalogueCode: "001102000010000-11020000\(index)", hospitalCode: "ZL000\(index)", amount: Amount(fen: fen), quantity: "1",
                    unitPrice: Amount(fen: fen).yuanString, departmentCode: "0301", departmentName: "内科", doctorCode: "D001", doctorName: "李医生")
            }
            return OutpatientBill(
                billID: "OPD-00\(number)",
                settlement: SettlementRequest(
                    personID: person.personID, certificateType: certificate.type(in: insurance.profile.region), certificateNumber: certificate.number,
                    total: try Amount.sum(lines.map(\.amount)), visitID: visitID, chargeBatch: "CB000\(number)", useAccount: useAccount, insuranceType: "310"),
                insuredArea: area, cashOrderNo: "OPD-00\(number)-CASH", subject: "门诊缴费", cashScene: .barcode(authCode: "134567890123456789"), fees: lines)
        }
        func settle(_ bill: OutpatientBill) async throws -> CheckoutState {
            var state = try await checkout.run(bill)
            for _ in 0..<5 where { if case .completed = state { false } else { true } }() { state = try await checkout.run(bill) }
            return state
        }

        // Patient 1, by face scan: 2204 → 2206 → 2207, the personal account used, cash by barcode.
        let first = try await visit(1, .faceScan(token: "FACE-TOKEN-0001"), fees: [10_000, 2_340], useAccount: true)
        let firstState = try await settle(first)
        let firstID = try await journal.record(for: first.billID)?.settlementID ?? ""
        day.check(.opd001Settled, firstState == .completed(settlementID: firstID, cash: Amount(fen: 2_468)))

        // Patient 2, by social-security card: the 2207 answer is lost (booked, HTTP 500) and the
        // platform refuses its reversal (2601): the checkout asks 5204/5203 and keeps the booked one.
        await nhsa.inject(.serverError, pathPrefix: "/fsi/api/2207")
        await nhsa.inject(.refused, pathPrefix: "/fsi/api/2601")
        let second = try await visit(2, .socialSecurityCard(number: "K44010600002", serial: "SN0A1B2C3D"), fees: [8_650], useAccount: false)
        let secondState = try await settle(second)
        let secondRecord = try await journal.record(for: second.billID)
        let counts = (await nhsa.activeSettlements, await nhsa.bookedSettlements)
        day.check(
            .opd002FoundByQuery,
            secondState == .completed(settlementID: secondRecord?.settlementID ?? "", cash: Amount(fen: 3_460)) && counts == (2, 2))

        // Patient 3, by e-voucher: settled, then refunded (2208 + cash refund), fees undone (2205), registration cancelled (2202).
        let third = try await visit(3, .electronicVoucher(token: "ECTOKEN0003"), fees: [4_500], useAccount: true)
        let thirdState = try await settle(third)
        let thirdRecord = try await journal.record(for: third.billID)
        let refunded = try await checkout.refund(third)
        try await insurance.undoFees(visitID: third.settlement.visitID, chargeBatch: "CB0003", personID: third.settlement.personID, insuredArea: area)
        try await insurance.cancelRegistration(visitID: third.settlement.visitID, personID: third.settlement.personID, outpatientNumber: "MZ-003", insuredArea: area)
        let thirdLines = try await insurance.feeDetails(visitID: third.settlement.visitID, personID: third.settlement.personID, insuredArea: area)
        let standing = await nhsa.activeSettlements
        day.check(
            .opd003Undone,
            thirdState == .completed(settlementID: thirdRecord?.settlementID ?? "", cash: Amount(fen: 900)) && refunded == .refunded(cash: Amount(fen: 900))
                && thirdLines.isEmpty && standing == 2)

        // The evening's insurance leg from the checkout records the store indexed by day: totals per
        // group (3201), then the detail list (9101 + 3202) — the undone settlement once as settled and
        // once as undone — and its result file (9102).
        let today = BeijingTime.day(now)
        let leg = try await InsuranceLeg(client: insurance).reconcile(try await journal.records(on: today), date: today)
        let balanced = leg.totals.first ?? PlatformTotals(channel: .insurance, group: "-", count: 0, total: .zero, parts: [:], balanced: false, detail: "no 3201 made")
        day.check(.insuranceTotalsBalance, leg.totals.count == 1 && balanced.count == 2 && balanced.balanced)
        let result = try DetailReconciliationResult(file: leg.result)
        day.check(
            .insuranceDetailAgrees,
            result.rows.count == 4 && result.rows.allSatisfy { insurance.profile.region.balancedResults.contains($0.result) })
        return InsuranceDay(
            ledger: leg.ledger, statement: try result.statementRecords(time: now, region: insurance.profile.region), totals: leg.totals,
            summary: "Insurance: OPD-001 by face scan and OPD-002 by social-security card settled (2204 → 2206 → 2207), OPD-002's lost answer found by query after a refused reversal; OPD-003 refunded and undone (2208, 2205, 2202); 3201 totals \(balanced.balanced ? "balanced" : "NOT balanced: \(balanced.detail ?? "")"), 3202 detail result \(result.rows.count) rows")
    }
}
