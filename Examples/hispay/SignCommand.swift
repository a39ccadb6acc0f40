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
    var channel: ChannelOption

    @Option(help: "APIv3: HTTP method.")
    var method: String?

    @Option(help: "APIv3: path and query, e.g. /v3/pay/transactions/native.")
    var url: String?

    @Option(help: "APIv3: file holding the exact request body (omit for GET).")
    var body: String?

    @Option(help: "APIv3: Unix timestamp in seconds; insurance: in milliseconds (default: now).")
    var timestamp: Int64?

    @Option(help: "APIv3: nonce (default: random).")
    var nonce: String?

    @Option(help: "wechatpay-v2 / alipay / unionpay: JSON file of the request parameters (Alipay: biz_content as a string or an object).")
    var params: String?

    @Option(help: "unionpay: the time the signing certificate must be valid at, ISO 8601 (default: now).")
    var now: String?

    struct V3Output: Encodable {
        let stringToSign: String
        let signature: String
        let authorization: String
    }

    struct ParametersOutput: Encodable {
        let stringToSign: String
        let signature: String
    }

    struct EnvelopeOutput: Encodable {
        let stringToSign: String
        let signature: String
        let encData: String
    }

    struct UnionPayOutput: Encodable {
        let stringToSign: String
        let signature: String
        let certId: String?
    }

    func run() async throws {
        switch channel {
        case .wechatpay:
            guard let method, let url else { throw CLIError("sign --channel wechatpay needs --method and --url") }
            let signer = try WeChatPayV3Configuration.signer(block: global.block(for: .wechatPay, command: "sign"))
            let bytes = try body.map { try CLIFiles.read($0) } ?? Data()
            let signed = try signer.sign(
                method: method.uppercased(), canonicalURL: WeChatPayV3Signer.canonicalURL(of: url), body: bytes,
                timestamp: timestamp ?? Int64(Date().timeIntervalSince1970), nonce: nonce ?? RandomNonceSource().nextNonce())
            try JSONOutput.print(V3Output(stringToSign: signed.stringToSign, signature: signed.signature, authorization: signed.authorization))
        case .wechatpayV2:
            guard let params else { throw CLIError("sign --channel wechatpay-v2 needs --params FILE.json") }
            let configuration = try WeChatPayV2Configuration(block: global.block(for: .wechatPayV2, command: "sign"))
            let parameters: [String: String]
            do {
                parameters = try JSONDecoder().decode([String: String].self, from: CLIFiles.read(params))
            } catch let error as CLIError {
                throw error
            } catch {
                throw CLIError("\(params) must be a JSON object of string values")
            }
            let stringToSign = configuration.signer.stringToSign(parameters)
            // The string-to-sign ends with the API key: print it masked, never in the clear.
            let masked = stringToSign.replacingOccurrences(of: "&key=\(configuration.apiKey)", with: "&key=<API_KEY>")
            try JSONOutput.print(ParametersOutput(stringToSign: masked, signature: try configuration.signer.sign(parameters)))
        case .alipay:
            guard let params else { throw CLIError("sign --channel alipay needs --params FILE.json") }
            let signer = try AlipayConfiguration.signer(block: global.block(for: .alipay, command: "sign"))
            let signed = try signer.sign(try Self.flatParameters(CLIFiles.read(params), path: params))
            try JSONOutput.print(ParametersOutput(stringToSign: signed.content, signature: signed.signature))
        case .unionpay:
            guard let params else { throw CLIError("sign --channel unionpay needs --params FILE.json") }
            let configuration = try UnionPayConfiguration(block: global.block(for: .unionPay, command: "sign"))
            let fields = try Self.flatParameters(CLIFiles.read(params), path: params)
            let signed = try configuration.signer.sign(fields, now: CLITime.now(now))
            try JSONOutput.print(UnionPayOutput(stringToSign: signed.stringToSign, signature: signed.fields["signature"] ?? "", certId: signed.fields["certId"]))
        case .insurance:
            guard let params else { throw CLIError("sign --channel insurance needs --params FILE.json (the business data)") }
            guard let mobile = try global.block(for: .insurance, command: "sign").block("mobilePay") else {
                throw CLIError("the insurance block has no mobilePay block")
            }
            let credentials = try MobilePayCredentials(block: mobile)
            guard let data = ConfigValue.decode(try CLIFiles.read(params)) else { throw CLIError("\(params) is not JSON") }
            let timestamp = timestamp.map(String.init) ?? String(Int64(Date().timeIntervalSince1970 * 1000))
            let sealed = try MobilePayEnvelope.seal(data, credentials: credentials, timestamp: timestamp)
            let secret = try mobile.string("appSecret")
            try JSONOutput.print(EnvelopeOutput(
                stringToSign: ResidentIDNumber.masked(in: sealed.signText.replacingOccurrences(of: "&key=\(secret)", with: "&key=<APP_SECRET>")),
                signature: sealed.envelope.objectValue["signData"]?.text ?? "", encData: sealed.encData))
        }
    }

    /// Top-level parameters of a JSON object; an object value (Alipay's `biz_content`) becomes its
    /// compact JSON text (sorted keys), numbers their decimal text.
    static func flatParameters(_ data: Data, path: String) throws -> [String: String] {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw CLIError("\(path) must be a JSON object")
        }
        var parameters: [String: String] = [:]
        for (key, value) in object {
            switch value {
            case let text as String: parameters[key] = text
            case let number as NSNumber: parameters[key] = number.stringValue
            case is [String: Any], is [Any]:
                let json = try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])
                parameters[key] = String(decoding: json, as: UTF8.self)
            default: throw CLIError("\(path): \(key) must be a string, number or object")
            }
        }
        return parameters
    }
}
