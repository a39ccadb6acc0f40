import ArgumentParser
import Foundation
import HISPay

extension CardCommand {
    struct Open: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "open", abstract: "Open a card for a patient (the resident ID number, if any, read from stdin and kept only masked).")

        @OptionGroup var options: Options

        @Option(help: "The card number.")
        var card: String

        @Option(help: "The HIS's patient id.")
        var patient: String

        @Flag(help: "Read the patient's resident ID number from stdin (never a command-line argument, which others can see).")
        var idNumberStdin = false

        func run() async throws {
            var idNumber: String?
            if idNumberStdin {
                idNumber = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            try await options.run { card, _ in try JSONOutput.print(Account(try await card.open(cardNo: self.card, patientID: patient, idNumber: idNumber))) }
        }
    }

    struct TopUp: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "top-up",
            abstract: "Top a card up: cash is credited at once; a payment on a channel is placed now and credited when the channel confirms it (its callback, or --settle).")

        @OptionGroup var options: Options

        @Option(help: "The card number (not needed with --settle).")
        var card: String?

        @Option(help: "wechatpay, alipay, unionpay or cash (as the card block's topUpChannels allow).")
        var channel: String

        @Option(help: "The payment's merchant order number (for cash: the counter's or kiosk's receipt number).")
        var order: String

        @Option(parsing: .unconditional, help: "The amount in yuan (500.00).")
        var amount: String?

        @Option(help: "The patient's payment code, scanned at the counter (a barcode payment); else a QR code is returned.")
        var authCode: String?

        @Option(help: "Where the channel sends its payment callback (a hispay serve URL).")
        var notifyUrl: String?

        @Flag(help: "Do not place a payment: credit the top-up --order if its channel has confirmed it (callback recorded in the store, or the channel's answer to a query).")
        var settle = false

        struct Output: Encodable {
            let topUp: TopUpLine
            /// The payment's outcome (`pending`, `success`…), absent for cash and --settle.
            let payment: String?
            /// The QR code to show the patient, for a QR payment.
            let qrCode: String?
            let account: Account?
        }

        func run() async throws {
            try await options.run { card, context in
                let id = ChannelID(channel)
                if settle {
                    try await card.applyEvents(from: context.store)
                    guard let topUp = try await card.ledger.topUp(channel: channel, orderNo: order) else { throw CLIError("\(order) on \(channel) pays for no top-up") }
                    if topUp.state == .pending { try await card.settleTopUp(order, on: try context.channel(id)) }
                    return try await print(card, cardNo: topUp.cardNo, payment: nil, qrCode: nil)
                }
                guard let cardNo = self.card else { throw CLIError("top-up needs --card (or --settle)") }
                guard let text = amount else { throw CLIError("top-up needs --amount (or --settle)") }
                let amount = try CardCommand.amount(text)
                if channel == "cash" {
                    _ = try await card.topUpInCash(cardNo: cardNo, receiptNo: order, amount: amount)
                    return try await print(card, cardNo: cardNo, payment: nil, qrCode: nil)
                }
                _ = try await card.startTopUp(cardNo: cardNo, channel: id, orderNo: order, amount: amount)
                let payer = try context.channel(id)
                let outcome = try await payer.pay(
                    PayRequest(outTradeNo: order, amount: amount, subject: "一卡通充值", scene: authCode.map { .barcode(authCode: $0) } ?? .qrCode, notifyURL: notifyUrl))
                // A barcode payment paid at once is credited on the channel's answer to a query.
                if outcome.kind == .success { try await card.settleTopUp(order, on: payer) }
                var qrCode: String?
                if case .qrCode(let url)? = outcome.value?.payerAction { qrCode = url }
                try await print(card, cardNo: cardNo, payment: outcome.kind.rawValue, qrCode: qrCode)
            }
        }

        /// Prints the top-up `--order` as it now stands, with its card.
        private func print(_ card: HospitalCardChannel, cardNo: String, payment: String?, qrCode: String?) async throws {
            guard let topUp = try await card.ledger.topUp(channel: channel, orderNo: order) else { throw CLIError("\(order) on \(channel) pays for no top-up") }
            try JSONOutput.print(Output(topUp: TopUpLine(topUp), payment: payment, qrCode: qrCode, account: Account(try await card.balance(cardNo: cardNo))))
        }
    }

    struct Pay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "pay", abstract: "Debit a fee from a card (never below zero); the order number makes a retry safe.")

        @OptionGroup var options: Options

        @Option(help: "The card number.")
        var card: String

        @Option(help: "The fee's merchant order number.")
        var order: String

        @Option(parsing: .unconditional, help: "The amount in yuan (12.30).")
        var amount: String

        @Option(help: "What the fee is for.")
        var subject = "门诊缴费"

        func run() async throws {
            let amount = try CardCommand.amount(self.amount)
            try await options.run { card, context in
                let journaled = JournaledChannel(card, store: context.store, merchant: context.merchant.name)
                let outcome = try await journaled.pay(PayRequest(outTradeNo: order, amount: amount, subject: subject, scene: .barcode(authCode: self.card)))
                guard outcome.kind == .success else { throw CLIError("card \(self.card) refused \(order): \(outcome.status.message ?? outcome.status.description)") }
                try JSONOutput.print(PaymentLine(order: order, amount: amount.fen, transactionId: outcome.value?.transactionID, account: Account(try await card.balance(cardNo: self.card))))
            }
        }
    }

    /// A debit or refund as `pay` and `refund` print it.
    struct PaymentLine: Encodable {
        let order: String
        var refund: String?
        let amount: Int64
        let transactionId: String?
        let account: Account

        init(order: String, refund: String? = nil, amount: Int64, transactionId: String?, account: Account) {
            (self.order, self.refund, self.amount, self.transactionId, self.account) = (order, refund, amount, transactionId, account)
        }
    }

    struct Refund: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "refund", abstract: "Refund part or all of a card payment back to the card.")

        @OptionGroup var options: Options

        @Option(help: "The fee's merchant order number.")
        var order: String

        @Option(help: "The refund's number (a retry under it refunds once).")
        var refund: String

        @Option(parsing: .unconditional, help: "The amount in yuan.")
        var amount: String

        func run() async throws {
            let amount = try CardCommand.amount(self.amount)
            try await options.run { card, context in
                guard let debit = try await card.debitEntry(orderNo: order) else { throw CLIError("there is no card payment \(order)") }
                let journaled = JournaledChannel(card, store: context.store, merchant: context.merchant.name)
                let outcome = try await journaled.refund(
                    RefundRequest(order: .outTradeNo(order), outRefundNo: refund, refundAmount: amount, totalAmount: debit.amount, reason: "退费"))
                guard outcome.kind == .success else { throw CLIError("refund \(refund) of \(order) refused: \(outcome.status.message ?? outcome.status.description)") }
                try JSONOutput.print(PaymentLine(order: order, refund: refund, amount: amount.fen, transactionId: outcome.value?.refundID, account: Account(try await card.balance(cardNo: debit.cardNo))))
            }
        }
    }

    struct Withdraw: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "withdraw",
            abstract: "Pay a card's balance back along its top-ups' channels (newest first), the rest in cash; exit 3 when part stays on the card or is still processing.")

        @OptionGroup var options: Options

        @Option(help: "The card number.")
        var card: String

        @Option(help: "The withdrawal's number (each refund is numbered from it: W1-1, W1-2…).")
        var withdrawal: String

        @Option(help: "Where the refunds' callbacks go: URL/CHANNEL, e.g. a hispay serve URL ending in /notify/MERCHANT (default: each channel's configured URL).")
        var notifyBase: String?

        struct Output: Encodable {
            struct Part: Encodable {
                let channel: String
                let topUpOrderNo: String
                let refundNo: String?
                let amount: Int64
                let result: String
                let detail: String?
            }

            let cardNo: String
            let withdrawalNo: String
            let balance: Int64
            let refunded: Int64
            let cash: Int64
            let held: Int64
            let refused: Int64
            let parts: [Part]
            let account: Account
        }

        func run() async throws {
            let done = try await options.run { card, context in
                try await card.applyEvents(from: context.store)
                let channels = try context.topUpChannels(card.settings)
                var notifyURLs: [ChannelID: String] = [:]
                for id in channels.keys { notifyURLs[id] = try notifyBase.map { "\($0)/\(try ChannelOption.registry.descriptor(for: id).name)" } }
                let result = try await card.withdraw(cardNo: self.card, withdrawalNo: withdrawal, channels: channels, notifyURLs: notifyURLs)
                // Every fen of the balance is in exactly one part.
                let parts = [CardWithdrawal.Part.Result.refunded, .cash, .held, .refused].map { result.total($0).fen }
                guard parts.reduce(0, +) == result.balance.fen else {
                    throw CLIError("withdrawal \(withdrawal): the parts add up to \(Amount(fen: parts.reduce(0, +))), not the balance \(result.balance)")
                }
                try JSONOutput.print(Output(
                    cardNo: result.cardNo, withdrawalNo: result.withdrawalNo, balance: result.balance.fen, refunded: parts[0], cash: parts[1], held: parts[2],
                    refused: parts[3],
                    parts: result.parts.map { Output.Part(channel: $0.channel, topUpOrderNo: $0.topUpOrderNo, refundNo: $0.refundNo, amount: $0.amount.fen, result: $0.result.rawValue, detail: $0.detail) },
                    account: Account(result.account)))
                return parts[2] == 0 && parts[3] == 0
            }
            if !done { throw ExitCode(CardCommand.leftOpen) }
        }
    }

    struct Balance: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "balance", abstract: "A card's balance and top-ups, after applying the channels' recorded callbacks and settling processing withdrawals.")

        @OptionGroup var options: Options

        @Option(help: "The card number.")
        var card: String

        struct Output: Encodable {
            let account: Account
            let topUps: [TopUpLine]
            let entries: [EntryLine]
        }

        func run() async throws {
            try await options.run { card, context in
                try await card.applyEvents(from: context.store)
                let account = try await card.balance(cardNo: self.card)
                let settled = account.held.fen > 0 ? try await card.settleWithdrawals(cardNo: self.card, channels: try context.topUpChannels(card.settings)) : account
                try JSONOutput.print(Output(
                    account: Account(settled), topUps: try await card.ledger.topUps(cardNo: self.card).map(TopUpLine.init),
                    entries: try await card.ledger.entries(cardNo: self.card).map(EntryLine.init)))
            }
        }
    }

    struct Statement: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "statement", abstract: "The cards' day: opening + top-ups − debits + refunds − withdrawals = closing, checked; --out writes the day's statement CSV.")

        @OptionGroup var options: Options

        @Option(help: "The Beijing day, yyyy-MM-dd (default: today).")
        var date: String?

        @Option(help: "Write the day's statement (the card channel's CSV) to this file.")
        var out: String?

        struct Output: Encodable {
            let date: String
            let opening: Int64
            let topUps: Int64
            let debits: Int64
            let refunds: Int64
            let withdrawals: Int64
            let withdrawalsConfirmed: Int64
            let closing: Int64
            let balanced: Bool
            let entries: Int
        }

        func run() async throws {
            let day = try date.map { try CLITime.day($0, option: "--date") } ?? BeijingTime.day(Date())
            try await options.run { card, _ in
                let result = try await card.day(day)
                if let out { try CLIFiles.write(try await card.downloadStatement(try StatementRequest(date: day)).contents, to: out) }
                try JSONOutput.print(Output(
                    date: day, opening: result.opening.fen, topUps: result.topUps.fen, debits: result.debits.fen, refunds: result.refunds.fen,
                    withdrawals: result.withdrawals.fen, withdrawalsConfirmed: result.withdrawalsConfirmed.fen, closing: result.closing.fen, balanced: result.isBalanced,
                    entries: result.entryCount))
                guard result.isBalanced else { throw CLIError("the cards' day \(day) does not balance: see the JSON above") }
            }
        }
    }

    struct Freeze: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "freeze", abstract: "Freeze a card reported lost: nothing is paid or withdrawn from it until it is unfrozen.")

        @OptionGroup var options: Options

        @Option(help: "The card number.")
        var card: String

        func run() async throws { try await options.run { card, _ in try JSONOutput.print(Account(try await card.freeze(cardNo: self.card))) } }
    }

    struct Unfreeze: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "unfreeze", abstract: "Unfreeze a card found again.")

        @OptionGroup var options: Options

        @Option(help: "The card number.")
        var card: String

        func run() async throws { try await options.run { card, _ in try JSONOutput.print(Account(try await card.unfreeze(cardNo: self.card))) } }
    }
}
