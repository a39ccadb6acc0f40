import ArgumentParser
import Foundation
import HISPay

/// `hispay sign`: shows exactly what a channel request signature covers, for comparing with the
/// channel's own tools when a signature is refused.
struct SignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Sign a request the way the channel expects and print the string-to-sign and signature.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "wechatpay (APIv3), wechatpay-v2, alipay, unionpay or insurance (the mobile-pay envelope).")
    var channel: ChannelChoice<SigningChannels>

    @Option(help: "APIv3: HTTP method.")
    var method: String?

    @Option(help: "APIv3: path and query, e.g. /v3/pay/transactions/native.")
    var url: String?

    @Option(help: "APIv3: file holding the exact request body (omit for GET).")
    var body: String?

    @Option(parsing: .unconditional, help: "APIv3: Unix timestamp in seconds; insurance: in milliseconds (default: now).")
    var timestamp: Int64?

    @Option(help: "APIv3: nonce (default: random).")
    var nonce: String?

    @Option(help: "wechatpay-v2 / alipay / unionpay: JSON file of the request parameters (Alipay: biz_content as a string or an object).")
    var params: String?

    @Option(help: "unionpay: the time the signing certificate must be valid at, ISO 8601 (default: now).")
    var now: String?

    func run() async throws {
        let (merchant, transports) = try global.profile(for: channel.channelID, command: "sign")
        let setup = try ChannelOption.registry.setup(channel.channelID, merchant: merchant, transports: transports)
        guard let explain = channel.descriptor.explainSignature else { throw CLIError("sign: \(channel.rawValue) has no request signature to show") }
        let input = SignatureInput(
            method: method, url: url, body: try body.map { try CLIFiles.read($0) }, timestamp: timestamp, nonce: nonce,
            parameters: try params.map { try CLIFiles.read($0) }, parametersSource: params ?? "--params", now: try CLITime.now(now))
        do {
            try JSONOutput.print(try explain(setup, input))
        } catch let missing as SignatureInputError {
            let flags = missing.missing.map { $0 == "params" ? "--params FILE.json" : "--" + $0 }.joined(separator: " and ")
            throw CLIError("sign --channel \(channel.rawValue) needs \(flags)" + (missing.note.map { " (\($0))" } ?? ""))
        }
    }
}
