import ArgumentParser
import Foundation
import HISPay

/// `hispay settle`: runs the combined insurance + cash checkout of one outpatient bill against the
/// configured endpoints (the simulator in tests).
struct SettleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settle", abstract: "Settle an outpatient bill: insurance (2207, or mobile pay 6201/6202) plus the cash part on a payment channel.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "The insurance channel (the only one settle takes).")
    var channel: ChannelChoice<InsuranceChannels>

    @Option(help: "JSON file of the bill: billId, personId, certificateType, certificateNumber, total (yuan), visitId, chargeBatch, useAccount, insuranceType, insuredArea, cashOrderNo, subject, authCode, fees (2204 lines) — or, for mobile pay, billId, payAuthNo, upload (the 6201 data), cashOrderNo, subject, authCode.")
    var bill: String

    @Option(help: "The payment channel of the cash part.")
    var cashChannel: ChannelChoice<PaymentChannels>

    @Option(help: "Journal the checkout in this store (sqlite:PATH or postgres://…) so a rerun resumes it; in memory when absent.")
    var store: String?

    @Flag(help: "Create the --store when it does not exist yet.")
    var create = false

    struct Output: Encodable {
        let billId: String
        let state: String
        let settlementId: String?
        let cashAmount: Int64?
        let reason: String?
        /// What an operator must check although the checkout completed (a settlement that does not add up).
        var flag: String?
    }

    func run() async throws {
        let cashID = cashChannel.channelID
        guard let configuration = try global.loadConfiguration() else { throw CLIError("settle needs --config FILE") }
        let merchant = try configuration.merchant(named: global.merchant)
        let settings = try CurlTransport.Configuration(settings: configuration.transport)
        let data = try CLIFiles.read(bill)
        guard let fields = ConfigValue.decode(data)?.objectValue else { throw CLIError("\(bill) is not a JSON object") }
        guard let store else {
            return try await settle(fields, cashID: cashID, merchant: merchant, settings: settings, journal: InMemoryCheckoutJournal())
        }
        try await StoreOpening.using(store, create: create, creatable: true) { opened in
            try await settle(fields, cashID: cashID, merchant: merchant, settings: settings, journal: StoreCheckoutJournal(store: opened, merchant: merchant.name))
        }
    }

    /// Runs the bill's checkout on `journal` and prints where it stands.
    private func settle(
        _ fields: [String: ConfigValue], cashID: ChannelID, merchant: MerchantProfile, settings: CurlTransport.Configuration, journal: any CheckoutJournal
    ) async throws {
        let billID: String
        let state: CheckoutState
        if fields["payAuthNo"] != nil {
            let mobile = try Self.mobilePayBill(fields, path: bill)
            let checkout = MobilePayCheckout(
                centre: try ChannelOption.registry.mobilePayClient(merchant: merchant, transports: settings),
                cash: PlainCashLeg(channel: try ChannelOption.registry.channel(cashID, merchant: merchant, transports: settings), scene: Self.scene(fields)),
                journal: journal)
            (billID, state) = (mobile.billID, try await checkout.run(mobile))
        } else {
            let outpatient = try Self.bill(fields, path: bill)
            let checkout = CombinedCheckout(
                insurance: try ChannelOption.registry.insuranceClient(merchant: merchant, transports: settings),
                cash: try ChannelOption.registry.channel(cashID, merchant: merchant, transports: settings), journal: journal)
            (billID, state) = (outpatient.billID, try await checkout.run(outpatient))
        }
        var output: Output
        switch state {
        case .completed(let settlementID, let cash):
            output = Output(billId: billID, state: "completed", settlementId: settlementID, cashAmount: cash.fen, reason: nil)
        case .awaitingCash:
            output = Output(billId: billID, state: "awaitingCash", settlementId: nil, cashAmount: nil, reason: "the patient must complete the cash payment")
        case .rolledBack(let reason):
            output = Output(billId: billID, state: "rolledBack", settlementId: nil, cashAmount: nil, reason: reason)
        case .unresolved(let reason):
            output = Output(billId: billID, state: "unresolved", settlementId: nil, cashAmount: nil, reason: reason)
        case .refunded(let cash):
            output = Output(billId: billID, state: "refunded", settlementId: nil, cashAmount: cash.fen, reason: nil)
        }
        output.flag = try await journal.record(for: billID)?.flag
        try JSONOutput.print(output)
        // The exit code tells a script what the JSON's state does (README: exit codes).
        switch state {
        case .completed, .refunded: break
        case .rolledBack: throw ExitCode(Self.notCharged)
        case .unresolved, .awaitingCash: throw ExitCode(Self.leftOpen)
        }
    }

    /// Exit code: the checkout was rolled back — nothing was charged.
    static let notCharged: Int32 = 2
    /// Exit code: the checkout is left open — unresolved (an operator must check) or awaiting the
    /// patient's cash payment (run settle again to resume).
    static let leftOpen: Int32 = 3

    /// At the counter (`authCode`: barcode) or by QR.
    static func scene(_ fields: [String: ConfigValue]) -> PaymentScene {
        fields["authCode"]?.text.map { .barcode(authCode: $0) } ?? .qrCode
    }

    /// Reads a mobile-pay bill: `billId`, `payAuthNo`, `upload` (the 6201 data object), `cashOrderNo`, `subject`.
    static func mobilePayBill(_ fields: [String: ConfigValue], path: String) throws -> MobilePayBill {
        let text = BillFields(fields: fields, path: path).text
        guard case .object? = fields["upload"] else { throw CLIError("\(path) lacks upload (the 6201 fee-upload object)") }
        return MobilePayBill(
            billID: try text("billId"), payAuthNo: try text("payAuthNo"), upload: fields["upload"] ?? .null, cashOrderNo: try text("cashOrderNo"),
            subject: try text("subject"))
    }

    /// Reads an outpatient bill settled at the hospital side (2204 when it has `fees`, 2206, 2207).
    static func bill(_ fields: [String: ConfigValue], path: String) throws -> OutpatientBill {
        let text = BillFields(fields: fields, path: path).text
        let total: Amount
        do { total = try Amount(yuan: try text("total")) } catch let error as CLIError { throw error } catch {
            throw CLIError("\(path): total: \(error)")
        }
        var fees: [FeeDetail] = []
        for (index, value) in (fields["fees"]?.arrayValue ?? []).enumerated() {
            let line = BillFields(fields: value.objectValue, path: "\(path): fees[\(index)]").text
            let amount: Amount
            do { amount = try Amount(yuan: try line("det_item_fee_sumamt")) } catch let error as CLIError { throw error } catch {
                throw CLIError("\(path): fees[\(index)].det_item_fee_sumamt: \(error)")
            }
            fees.append(FeeDetail(
                serial: try line("feedetl_sn"), visitID: try text("visitId"), personID: try text("personId"), chargeBatch: try text("chargeBatch"),
                time: try value.objectValue["fee_ocur_time"]?.text.map { text in
                    guard let time = BeijingTime.parse(text) else { throw CLIError("\(path): fees[\(index)].fee_ocur_time is not yyyy-MM-dd HH:mm:ss") }
                    return time
                } ?? Date(), catalogueCode: try line("med_list_codg"), hospitalCode: try line("medins_list_codg"), amount: amount, quantity: try line("cnt"),
                unitPrice: try line("pric"), departmentCode: try line("bilg_dept_codg"), departmentName: try line("bilg_dept_name"),
                doctorCode: try line("bilg_dr_codg"), doctorName: try line("bilg_dr_name")))
        }
        return OutpatientBill(
            billID: try text("billId"),
            settlement: SettlementRequest(
                personID: try text("personId"), certificateType: try text("certificateType"), certificateNumber: try text("certificateNumber"),
                total: total, visitID: try text("visitId"), chargeBatch: try text("chargeBatch"), useAccount: fields["useAccount"] == .bool(true),
                insuranceType: try text("insuranceType")),
            insuredArea: fields["insuredArea"]?.text, cashOrderNo: try text("cashOrderNo"), subject: try text("subject"), cashScene: Self.scene(fields),
            fees: fees)
    }
}
