import ArgumentParser
import Foundation
import HISPay
import Logging

/// `hispay notify verify`: runs a raw callback through the channel's verification and prints the
/// normalized event and the exact acknowledgement, or refuses with a one-line reason.
struct NotifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify", abstract: "Work with channel callbacks (notifications).", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        /// `payment`, `refund`, or the event kind's own name for anything else (`closed`, `paymentPending`).
        static func kind(_ kind: CallbackEvent.Kind) -> String {
            switch kind {
            case .paymentSucceeded, .insuranceSettled: "payment"
            case .refundSucceeded, .refundFailed: "refund"
            default: kind.name
            }
        }

        static let configuration = CommandConfiguration(abstract: "Verify and decode a raw callback request.")

        @OptionGroup var global: GlobalOptions

        @Option(help: "wechatpay (APIv3), wechatpay-v2, alipay, unionpay or insurance (mobile-pay settlement notification).")
        var channel: ChannelChoice<CallbackChannels>

        @Option(help: "File holding the raw request body exactly as received.")
        var body: String?

        @Option(help: "JSON-lines file of stored callbacks, one {\"channel\", \"headers\", \"body\"} per line; prints one result per line.")
        var batch: String?

        @Option(name: .customLong("header"), help: "A request header, 'Name: value' (repeatable).")
        var headers: [String] = []

        @Option(help: "Verification time, ISO 8601 (default: now).")
        var now: String?

        struct Output: Encodable {
            struct Ack: Encodable {
                let status: Int
                let body: String
            }

            let channel: String
            let kind: String
            let outTradeNo: String
            let channelTradeNo: String?
            let outRefundNo: String?
            let amount: Int64?
            /// The order's total refunded so far, when the channel gives that instead of the refund's own
            /// amount (Alipay `refund_fee`); `amount` is then null — the gateway derives it.
            let refundedTotal: Int64?
            let state: String?
            let time: String?
            /// Why a verified callback would be recorded quarantined (another merchant's), or null.
            let quarantine: String?
            let ack: Ack
        }

        struct BatchResult: Encodable {
            let line: Int
            let ok: Bool
            let result: Output?
            let error: String?
        }

        func run() async throws {
            if let batch { return try await runBatch(batch) }
            guard let body else { throw CLIError("notify verify needs --body FILE or --batch FILE.jsonl") }
            var fields = HTTPHeaders()
            for header in headers {
                guard let colon = header.firstIndex(of: ":") else { throw CLIError("--header \(header) is not 'Name: value'") }
                fields.add(String(header[..<colon]).trimmingCharacters(in: .whitespaces), String(header[header.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
            }
            let request = CallbackRequest(path: "/", headers: fields, body: try CLIFiles.read(body))
            try JSONOutput.print(Self.output(try await makeVerifier(channel).verifyCallback(request)))
        }

        /// Verifies every stored callback of a JSON-lines file; a rejected line is reported, not fatal.
        private func runBatch(_ path: String) async throws {
            guard FileManager.default.isReadableFile(atPath: path) else { throw CLIError("cannot read \(path)") }
            var verifiers: [ChannelChoice<CallbackChannels>: any CallbackVerifier] = [:]
            var number = 0
            let output = JSONOutput.Lines()
            defer { output.flush() }
            for line in LineReader(fileURL: URL(fileURLWithPath: path)) where !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) {
                number += 1
                let result: BatchResult
                do {
                    guard let entry = ConfigValue.decode(line)?.objectValue, let body = entry["body"]?.text else {
                        throw CLIError("not a JSON object with a body")
                    }
                    let lineChannel = try entry["channel"]?.text.map { name in
                        guard let option = ChannelChoice<CallbackChannels>(argument: name) else { throw CLIError("unknown channel \(name)") }
                        return option
                    } ?? channel
                    var headers = HTTPHeaders()
                    for (name, value) in entry["headers"]?.objectValue ?? [:] { headers.add(name, value.text ?? "") }
                    let verifier: any CallbackVerifier
                    if let known = verifiers[lineChannel] {
                        verifier = known
                    } else {
                        verifier = try makeVerifier(lineChannel)
                        verifiers[lineChannel] = verifier
                    }
                    let output = Self.output(try await verifier.verifyCallback(CallbackRequest(path: "/", headers: headers, body: Data(body.utf8))))
                    result = BatchResult(line: number, ok: true, result: output, error: nil)
                } catch {
                    result = BatchResult(line: number, ok: false, result: nil, error: "\(error)")
                }
                try output.write(result)
            }
        }

        /// The channel's callback verifier from the registry — what `serve` takes callbacks with —
        /// with its configuration loaded once. Logged on stderr: a notice that verified only under
        /// another SM2 ID.
        private func makeVerifier(_ channel: ChannelChoice<CallbackChannels>) throws -> any CallbackVerifier {
            let (merchant, transports) = try global.profile(for: channel.channelID, command: "notify verify")
            return try ChannelOption.registry.verifier(
                channel.channelID, merchant: merchant, transports: transports, time: ManualTimeSource(try CLITime.now(now)), logger: Logger(label: "hispay.notify"))
        }

        static func output(_ verified: VerifiedCallback) -> Output {
            let event = verified.event
            return Output(
                channel: event.channel.rawValue, kind: kind(event.kind), outTradeNo: event.outTradeNo, channelTradeNo: event.transactionID,
                outRefundNo: event.outRefundNo, amount: event.amount?.fen, refundedTotal: event.refundedTotal?.fen,
                state: event.fields["trade_state"] ?? event.fields["refund_status"] ?? event.fields["trade_status"] ?? event.fields["result_code"]
                    ?? event.fields["respCode"] ?? event.fields["ordStas"],
                time: event.occurredAt.map(BeijingTime.iso8601), quarantine: verified.quarantine,
                ack: .init(status: verified.acknowledgement.status, body: verified.acknowledgement.text))
        }
    }
}
