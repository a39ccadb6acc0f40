import Foundation
import HISPayCore

/// What the sandbox did with each request — the line an integrator reads first when the HIS's call
/// does not work: method, path, which channel's operation, the status, the verdict and, for a
/// rejection, why (the simulator's own error text). Kept for `GET /sandbox/requests` (the last 1,000)
/// and handed to `onEntry` (`hispay sandbox` writes each to stderr).
public final class SandboxRequestLog: @unchecked Sendable {
    /// One request.
    public struct Entry: Sendable, Encodable {
        public let time: String
        public let method: String
        public let path: String
        /// `wechatpay`, `wechatpay-v2`, `alipay`, `unionpay`, `insurance` or `mobilepay`.
        public let channel: String
        /// The operation within the channel: the path after its prefix, or Alipay's `method`.
        public let operation: String
        public let status: Int
        /// `answered`, or `rejected` when the simulator refused it (status ≥ 400, or the channel's error code).
        public let verdict: String
        /// Why it was rejected, as the simulator said; absent when answered.
        public let reason: String?
    }

    private let lock = NSLock()
    private var entries: [Entry] = []
    private let onEntry: @Sendable (Entry) -> Void

    public init(onEntry: @escaping @Sendable (Entry) -> Void = { _ in }) { self.onEntry = onEntry }

    /// The last requests, oldest first.
    public var recent: [Entry] { lock.withLock { entries } }

    /// Records the answer `status`/`body` to `method path` (with `operation` when the body names it).
    func record(method: String, path: String, operation: String? = nil, status: Int, body: Data) {
        let channel = Self.channel(of: path)
        let reason = Self.rejection(status: status, body: body)
        let entry = Entry(
            time: BeijingTime.iso8601(Date()), method: method, path: path, channel: channel.name, operation: operation ?? channel.operation, status: status,
            verdict: reason == nil ? "answered" : "rejected", reason: reason)
        lock.withLock {
            entries.append(entry)
            if entries.count > 1000 { entries.removeFirst(entries.count - 1000) }
        }
        onEntry(entry)
    }

    /// The channel a path belongs to, and the operation within it.
    static func channel(of path: String) -> (name: String, operation: String) {
        for (prefix, name) in [("/v3/", "wechatpay"), ("/v2/", "wechatpay-v2"), ("/gateway.do", "alipay"), ("/unionpay/", "unionpay"), ("/fsi/api/", "insurance"), ("/mobilepay/", "mobilepay")]
        where path.hasPrefix(prefix) {
            return (name, String(path.dropFirst(prefix.count)).split(separator: "?").first.map(String.init) ?? "")
        }
        return ("sandbox", path)
    }

    /// Why an answer is a rejection, from the channel's own error fields; nil for an answer that is not one.
    static func rejection(status: Int, body: Data) -> String? {
        let text = String(decoding: body.prefix(4096), as: UTF8.self)
        if let object = ConfigValue.decode(body)?.objectValue, !object.isEmpty {
            // WeChat Pay APIv3 {code, message}; NHSA {infcode, err_msg}; Alipay {…_response: {code, sub_msg}}.
            if let message = object["message"]?.text, object["code"] != nil { return message }
            if let message = object["err_msg"]?.text, object["infcode"]?.text != "0" { return message }
            for value in object.values {
                let inner = value.objectValue
                if let code = inner["code"]?.text, code != "10000", let message = inner["sub_msg"]?.text ?? inner["msg"]?.text { return message }
            }
        } else if text.hasPrefix("<xml"), let fields = try? FlatXML.fields(body, roots: ["xml"]) {
            // WeChat Pay v2: return_code FAIL, or result_code FAIL with err_code_des.
            if fields["return_code"] == "FAIL" { return fields["return_msg"] ?? "return_code FAIL" }
            if fields["result_code"] == "FAIL" { return fields["err_code_des"] ?? fields["err_code"] ?? "result_code FAIL" }
        } else if text.contains("respCode="), let fields = try? FormFields.decode(body), let code = fields["respCode"], code != "00" {
            return fields["respMsg"] ?? "respCode \(code)"  // UnionPay
        }
        return status >= 400 ? (text.isEmpty ? "HTTP \(status)" : String(text.prefix(300))) : nil
    }
}
