import Foundation
import HISPayCore

/// A gateway answer split as Alipay signs it: the raw text of the `…_response` (or `error_response`)
/// value exactly as received — never re-serialized — plus `sign` and, in certificate mode,
/// `alipay_cert_sn`.
public struct AlipayResponseText {
    /// The raw JSON text of the response object, the signed content.
    public let signedContent: String
    /// The business fields of the response object.
    public let fields: [String: Any]
    public let sign: String?
    public let alipayCertSN: String?
    /// Whether the gateway answered with `error_response` (e.g. an invalid request signature).
    public let isGatewayError: Bool

    /// Splits the raw body for `method` (`alipay.trade.query` → `alipay_trade_query_response`).
    public init(body: Data, method: String) throws(ChannelError) {
        guard let text = String(validating: body, as: UTF8.self) else {
            throw ChannelError(.invalidResponse, channel: .alipay, reason: "answer to \(method) is not UTF-8")
        }
        let key = method.replacingOccurrences(of: ".", with: "_") + "_response"
        var isError = false
        var range = AlipayResponseText.objectRange(named: key, in: text)
        if range == nil {
            range = AlipayResponseText.objectRange(named: "error_response", in: text)
            isError = range != nil
        }
        guard let range else {
            throw ChannelError(.invalidResponse, channel: .alipay, reason: "answer to \(method) has neither \(key) nor error_response")
        }
        let content = String(text[range])
        guard let whole = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any],
            let fields = (try? JSONSerialization.jsonObject(with: Data(content.utf8))) as? [String: Any]
        else { throw ChannelError(.invalidResponse, channel: .alipay, reason: "answer to \(method) is not valid JSON") }
        signedContent = content
        self.fields = fields
        sign = whole["sign"] as? String
        alipayCertSN = whole["alipay_cert_sn"] as? String
        isGatewayError = isError
    }

    /// The range of the object value of top-level key `name`: from its `{` to the matching `}`,
    /// skipping braces inside strings.
    static func objectRange(named name: String, in text: String) -> Range<String.Index>? {
        guard let keyRange = text.range(of: "\"\(name)\"") else { return nil }
        var index = keyRange.upperBound
        while index < text.endIndex, text[index] == " " || text[index] == ":" || text[index].isNewline { index = text.index(after: index) }
        guard index < text.endIndex, text[index] == "{" else { return nil }
        let start = index
        var depth = 0
        var inString = false
        var escaped = false
        while index < text.endIndex {
            let character = text[index]
            if inString {
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == "\"" { inString = false }
            } else if character == "\"" {
                inString = true
            } else if character == "{" {
                depth += 1
            } else if character == "}" {
                depth -= 1
                if depth == 0 { return start..<text.index(after: index) }
            }
            index = text.index(after: index)
        }
        return nil
    }
}
