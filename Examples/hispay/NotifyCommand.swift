import ArgumentParser
import Foundation
import HISPay

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
        var channel: ChannelOption

        @Option(help: "File holding the raw request body exactly as received.")
        var body: String

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
            let state: String?
            let time: String?
            let ack: Ack
        }

        func run() async throws {
            var fields = HTTPHeaders()
            for header in headers {
                guard let colon = header.firstIndex(of: ":") else { throw CLIError("--header \(header) is not 'Name: value'") }
                fields.add(String(header[..<colon]).trimmingCharacters(in: .whitespaces), String(header[header.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
            }
            let request = CallbackRequest(path: "/", headers: fields, body: try CLIFiles.read(body))
            let verified: VerifiedCallback
            switch channel {
            case .wechatpay:
                verified = try WeChatPayV3Configuration.callbackHandler(block: global.block(for: .wechatPay, command: "notify verify"))
                    .handle(request, now: CLITime.now(now))
            case .wechatpayV2:
                verified = try WeChatPayV2Configuration(block: global.block(for: .wechatPayV2, command: "notify verify"))
                    .callbackHandler().handle(request)
            case .alipay:
                verified = try AlipayConfiguration.notificationHandler(block: global.block(for: .alipay, command: "notify verify")).handle(request)
            case .unionpay:
                let configuration = try UnionPayConfiguration(block: global.block(for: .unionPay, command: "notify verify"))
                verified = try UnionPayNotificationHandler(verifier: configuration.verifier, merchantID: configuration.merchantID)
                    .handle(request, now: CLITime.now(now))
                FileHandle.standardError.write(Data("hispay: valid as a back notification; a front (browser) notification is never proof of payment: query the order\n".utf8))
            case .insurance:
                guard let mobile = try global.block(for: .insurance, command: "notify verify").block("mobilePay") else {
                    throw CLIError("the insurance block has no mobilePay block")
                }
                verified = try MobilePayNotificationHandler(credentials: MobilePayCredentials(block: mobile)).handle(request)
            }
            let event = verified.event
            try JSONOutput.print(Output(
                channel: event.channel.rawValue,
                kind: Self.kind(event.kind),
                outTradeNo: event.outTradeNo, channelTradeNo: event.transactionID, outRefundNo: event.outRefundNo,
                amount: event.amount?.fen,
                state: event.fields["trade_state"] ?? event.fields["refund_status"] ?? event.fields["trade_status"] ?? event.fields["result_code"]
                    ?? event.fields["respCode"] ?? event.fields["ordStas"],
                time: event.occurredAt.map(CLITime.beijing),
                ack: .init(status: verified.acknowledgement.status, body: verified.acknowledgement.text)))
        }
    }
}
