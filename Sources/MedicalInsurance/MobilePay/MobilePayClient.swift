import Foundation
import HISPayCore
import HISPayCrypto
import Logging

/// The NHSA mobile-payment centre (医保移动支付): 6201 fee upload, 6202 payment order, 6203 refund,
/// 6301 order status query, 6401 upload undo — each an SM4-encrypted, SM2-signed envelope
/// (``MobilePayEnvelope``) posted to `{gateway}{path}`, the path the region uses for the transaction
/// (`MobilePayAPI/defaultPath` unless configured). Requests are checked against
/// `MobilePayAPI/required` before they are sent; answers carry `code` (0 = success) and an
/// envelope verified as received with the platform key before its data is used.
public final class MobilePayClient: Sendable {
    public let credentials: MobilePayCredentials
    /// The centre's base URL (scheme, host, port and any prefix the region puts before the paths).
    public let gateway: String
    /// Path per transaction code, for codes whose path differs from `MobilePayAPI/defaultPath`.
    public let paths: [String: String]
    private let transport: any HTTPTransport
    public let time: any TimeSource
    private let logger: Logger

    public init(
        credentials: MobilePayCredentials, gateway: String, paths: [String: String] = [:], transport: any HTTPTransport,
        time: any TimeSource = SystemTimeSource(), logger: Logger = .silent
    ) {
        self.credentials = credentials
        self.gateway = gateway.hasSuffix("/") ? String(gateway.dropLast()) : gateway
        self.paths = paths
        self.transport = transport
        self.time = time
        self.logger = logger
    }

    /// 6201: uploads the fee details; returns the platform's data (`payOrdId`, `payToken`, `extData`).
    public func uploadFees(_ data: ConfigValue) async throws -> ConfigValue { try await call(.uploadFees, data) }
    /// 6202: places the payment order with the patient's `payAuthNo`; returns the settlement data.
    public func placeOrder(_ data: ConfigValue) async throws -> ConfigValue { try await call(.placeOrder, data) }
    /// 6203: refunds (fund, personal account and cash parts).
    public func refund(_ data: ConfigValue) async throws -> ConfigValue { try await call(.refund, data) }
    /// 6301: the order's settlement status (`ordStas`).
    public func queryOrder(_ data: ConfigValue) async throws -> ConfigValue { try await call(.queryOrder, data) }
    /// 6401: undoes a fee upload.
    public func undoUpload(_ data: ConfigValue) async throws -> ConfigValue { try await call(.undoUpload, data) }

    /// The URL `api` is posted to.
    package func url(for api: MobilePayAPI) -> String { gateway + (paths[api.code] ?? api.defaultPath) }

    /// Checks, sends one API call and opens the answer. A request lacking a required field throws
    /// `ChannelError/Code/invalidRequest` before anything is sent; a sent but unanswered call
    /// throws ``NHSAUnknownOutcome`` so the caller queries (6301) before anything else.
    package func call(_ api: MobilePayAPI, _ data: ConfigValue) async throws -> ConfigValue {
        try api.validate(data)
        let timestamp = String(Int64(time.now().timeIntervalSince1970 * 1000))
        let sealed = try MobilePayEnvelope.seal(data, credentials: credentials, timestamp: timestamp)
        let request = HTTPRequest(
            method: "POST", url: url(for: api), headers: ["Content-Type": "application/json;charset=utf-8"], body: Data(sealed.envelope.jsonText().utf8))
        let response: HTTPResponse
        do { response = try await transport.send(request) } catch let error as TransportError {
            if error.isRetrySafe { throw ChannelError(.transport, channel: .insurance, reason: "\(api.code): \(error.reason)", isRetrySafe: true) }
            throw NHSAUnknownOutcome(infno: api.code, messageID: timestamp, reason: error.reason)
        }
        guard (200..<300).contains(response.status), let answer = ConfigValue.decode(response.body)?.objectValue else {
            throw ChannelError(.invalidResponse, channel: .insurance, reason: "\(api.code) answer is not a mobile-pay response (HTTP \(response.status))")
        }
        guard answer["code"]?.text == "0" else {
            throw ChannelError(
                .invalidRequest, channel: .insurance, reason: "\(api.code) refused: \(answer["message"]?.text ?? "no message")",
                status: ChannelStatus(code: answer["code"]?.text, message: answer["message"]?.text))
        }
        let opened = try MobilePayEnvelope.open(answer, credentials: credentials)
        opened.signerID.warnIfNot(credentials, logger: logger, what: "\(api.code) answer")
        return opened.data
    }
}
