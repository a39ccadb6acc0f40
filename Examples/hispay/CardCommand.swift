import ArgumentParser
import Foundation
import HISPay

/// `hispay card`: the hospital's prepaid patient card (院内一卡通) on a store's card ledger.
struct CardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "card", abstract: "The hospital's prepaid patient card (院内一卡通): open, top up, pay, refund, withdraw, balance, statement.",
        subcommands: [Open.self, TopUp.self, Pay.self, Refund.self, Withdraw.self, Balance.self, Statement.self, Freeze.self, Unfreeze.self])

    /// Exit code: a withdrawal left part of the balance on the card (a refund refused) or held (a refund processing).
    static let leftOpen: Int32 = 3

    /// The options every card command takes: the configuration, the merchant and the store.
    struct Options: ParsableArguments {
        @OptionGroup var global: GlobalOptions

        @Option(help: "The store holding the card ledger (sqlite:PATH or postgres://…).")
        var store: String

        @Flag(help: "Create the --store when it does not exist yet.")
        var create = false

        /// Opens the card on the store and runs `body` with it (and the configuration and merchant), closing the store after.
        func run<T>(_ body: (HospitalCardChannel, Context) async throws -> T) async throws -> T {
            guard let configuration = try global.loadConfiguration() else { throw CLIError("card needs --config FILE") }
            let merchant = try configuration.merchant(named: global.merchant)
            let settings = try merchant.block(for: .hospitalCard).map { try HospitalCardSettings(block: $0) } ?? HospitalCardSettings()
            let transports = try CurlTransport.Configuration(settings: configuration.transport)
            return try await StoreOpening.using(store, create: create, creatable: true) { opened in
                let card = HospitalCardChannel(ledger: try await CardLedger(store: opened, merchant: merchant.name), settings: settings)
                return try await body(card, Context(configuration: configuration, merchant: merchant, store: opened, transports: transports))
            }
        }
    }

    /// What a card command works with besides the card.
    struct Context {
        let configuration: HISPayConfiguration
        let merchant: MerchantProfile
        let store: SQLPaymentStore
        let transports: CurlTransport.Configuration

        /// The top-up channel `id` of the merchant, journaled in the store (so the resolver and reconciliation see it).
        func channel(_ id: ChannelID) throws -> JournaledChannel {
            guard merchant.block(for: id) != nil else { throw CLIError("merchant \(merchant.name) has no \"\(id)\" block to top up or withdraw on") }
            return JournaledChannel(try ChannelOption.registry.channel(id, merchant: merchant, transports: transports), store: store, merchant: merchant.name)
        }

        /// Every top-up channel the merchant configures, for withdrawals.
        func topUpChannels(_ settings: HospitalCardSettings) throws -> [ChannelID: any PaymentChannel] {
            var channels: [ChannelID: any PaymentChannel] = [:]
            for name in settings.topUpChannels where name != "cash" && merchant.block(for: ChannelID(name)) != nil {
                channels[ChannelID(name)] = try channel(ChannelID(name))
            }
            return channels
        }
    }

    /// A card as the commands print it. Amounts in fen.
    struct Account: Encodable {
        let cardNo: String
        let patientId: String
        /// Masked: the area and the last four characters.
        let idNumber: String?
        let state: String
        let balance: Int64
        let held: Int64

        init(_ account: CardAccount) {
            (cardNo, patientId, idNumber, state) = (account.cardNo, account.patientID, account.maskedIDNumber, account.state.rawValue)
            (balance, held) = (account.balance.fen, account.held.fen)
        }
    }

    /// A top-up as the commands print it.
    struct TopUpLine: Encodable {
        let cardNo: String
        let channel: String
        let orderNo: String
        let amount: Int64
        let state: String
        let reason: String?

        init(_ topUp: CardLedger.TopUp) {
            (cardNo, channel, orderNo, amount, state, reason) = (topUp.cardNo, topUp.channel, topUp.orderNo, topUp.amount.fen, topUp.state.rawValue, topUp.reason)
        }
    }

    /// An entry as the commands print it.
    struct EntryLine: Encodable {
        let sequence: Int64
        let kind: String
        let orderNo: String
        let refundNo: String?
        let channel: String?
        let amount: Int64
        let bookedAt: String

        init(_ entry: CardEntry) {
            (sequence, kind, orderNo, refundNo, channel, amount) = (entry.sequence, entry.kind.name, entry.orderNo, entry.refundNo, entry.channel, entry.amount.fen)
            bookedAt = BeijingTime.iso8601(entry.bookedAt)
        }
    }

    /// `--amount` in yuan (`12.30`), refused unless more than zero.
    static func amount(_ text: String) throws -> Amount {
        guard !text.hasPrefix("-") else { throw CLIError("--amount must be more than 0, not \(text)") }
        let amount: Amount
        do { amount = try Amount(yuan: text) } catch { throw CLIError("--amount \(text) is not an amount in yuan (12.30)") }
        guard amount.fen > 0 else { throw CLIError("--amount must be more than 0, not \(text)") }
        return amount
    }
}
