import Foundation
import HISPayCore
import HISPayCrypto

/// The NHSA mobile-payment centre (医保移动支付): 6201 fee upload, 6202 payment order, 6203 refund,
/// 6301 order status query, 6401 upload undo — each an SM4-encrypted, SM2-signed envelope
/// (``MobilePayEnvelope``). Answers carry `code` (0 = success) and an envelope verified with the
/// platform key before its data is used.
public final class MobilePayClient: Sendable {
    public let credentials: MobilePayCredentials
    public let gateway: String
    private let transport: any HTTPTransport
    public let time: any TimeSource

    public init(credentials: MobilePayCredentials, gateway: String, transport: any HTTPTransport, time: any TimeSource = SystemTimeSource()) {
        self.credentials = credentials
        self.gateway = gateway
        self.transport = transport
        self.time = time
    }

    /// 6201: uploads the fee details; returns the platform's data (`payOrdId`, `payToken`, `extData`).
    public func uploadFees(_ data: ConfigValue) async throws -> ConfigValue { try await call("6201", data) }
    /// 6202: places the payment order with the patient's `payAuthNo`; returns the settlement data.
    public func placeOrder(_ data: ConfigValue) async throws -> ConfigValue { try await call("6202", data) }
    /// 6203: refunds (fund, personal account and cash parts).
    public func refund(_ data: ConfigValue) async throws -> ConfigValue { try await call("6203", data) }
    /// 6301: the order's settlement status (`ordStas`).
    public func queryOrder(_ data: ConfigValue) async throws -> ConfigValue { try await call("6301", data) }
    /// 6401: undoes a fee upload.
    public func undoUpload(_ data: ConfigValue) async throws -> ConfigValue { try await call("6401", data) }

    /// Sends one API call and opens the answer. A sent but unanswered call throws
    /// ``NHSAUnknownOutcome`` so the caller queries (6301) before anything else.
    public func call(_ api: String, _ data: ConfigValue) async throws -> ConfigValue {
        let timestamp = String(Int64(time.now().timeIntervalSince1970 * 1000))
        let sealed = try MobilePayEnvelope.seal(data, credentials: credentials, timestamp: timestamp)
        let request = HTTPRequest(
            method: "POST", url: "\(gateway)/\(api)", headers: ["Content-Type": "application/json;charset=utf-8"], body: Data(sealed.envelope.jsonText().utf8))
        let response: HTTPResponse
        do { response = try await transport.send(request) } catch let error as TransportError {
            if error.isRetrySafe { throw ChannelError(.transport, channel: .insurance, reason: "\(api): \(error.reason)", isRetrySafe: true) }
            throw NHSAUnknownOutcome(infno: api, messageID: timestamp, reason: error.reason)
        }
        guard (200..<300).contains(response.status), let answer = ConfigValue.decode(response.body)?.objectValue else {
            throw ChannelError(.invalidResponse, channel: .insurance, reason: "\(api) answer is not a mobile-pay response (HTTP \(response.status))")
        }
        guard answer["code"]?.text == "0" else {
            throw ChannelError(
                .invalidRequest, channel: .insurance, reason: "\(api) refused: \(answer["message"]?.text ?? "no message")",
                status: ChannelStatus(code: answer["code"]?.text, message: answer["message"]?.text))
        }
        return try MobilePayEnvelope.open(answer, credentials: credentials)
    }
}
