import Foundation
import HISPayCore

/// A gateway answer split as Alipay signs it: the raw text of the `…_response` (or `error_response`)
/// value exactly as received — never re-serialized — plus `sign` and, in certificate mode,
/// `alipay_cert_sn`.
package struct AlipayResponseText {
    /// The raw JSON text of the response object, the signed content.
    package let signedContent: String
    /// The business fields of the response object.
    package private(set) var fields: [String: Any]
    package let sign: String?
    package let alipayCertSN: String?
    /// Whether the gateway answered with `error_response` (e.g. an invalid request signature).
    package let isGatewayError: Bool
    /// With content encryption the response value is a base64 string, not an object: this is it
    /// (``signedContent`` is then the raw string token, quotes included).
    package let encryptedContent: String?

    /// Splits the raw body for `method` (`alipay.trade.query` → `alipay_trade_query_response`).
    package init(body: Data, method: String) throws(ChannelError) {
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
        guard let whole = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            throw ChannelError(.invalidResponse, channel: .alipay, reason: "answer to \(method) is not valid JSON")
        }
        signedContent = content
        if let encrypted = whole[isError ? "error_response" : key] as? String {
            encryptedContent = encrypted
            fields = [:]
        } else {
            guard let fields = (try? JSONSerialization.jsonObject(with: Data(content.utf8))) as? [String: Any] else {
                throw ChannelError(.invalidResponse, channel: .alipay, reason: "answer to \(method) is not valid JSON")
            }
            encryptedContent = nil
            self.fields = fields
        }
        sign = whole["sign"] as? String
        alipayCertSN = whole["alipay_cert_sn"] as? String
        isGatewayError = isError
    }

    /// Decrypts an encrypted response value into ``fields``.
    package mutating func decrypt(with cipher: AlipayContentCipher) throws(ChannelError) {
        guard let encryptedContent else { return }
        let plain = try cipher.decrypt(encryptedContent)
        guard let fields = (try? JSONSerialization.jsonObject(with: Data(plain.utf8))) as? [String: Any] else {
            throw ChannelError(.invalidResponse, channel: .alipay, reason: "decrypted answer is not JSON")
        }
        self.fields = fields
    }

    /// The range of the value of top-level key `name`: an object from its `{` to the matching `}`
    /// (skipping braces inside strings), or a string token with its quotes.
    static func objectRange(named name: String, in text: String) -> Range<String.Index>? {
        guard let keyRange = text.range(of: "\"\(name)\"") else { return nil }
        var index = keyRange.upperBound
        while index < text.endIndex, text[index] == " " || text[index] == ":" || text[index].isNewline { index = text.index(after: index) }
        guard index < text.endIndex, text[index] == "{" || text[index] == "\"" else { return nil }
        let start = index
        if text[index] == "\"" {
            var escaped = false
            index = text.index(after: index)
            while index < text.endIndex {
                if escaped { escaped = false } else if text[index] == "\\" { escaped = true } else if text[index] == "\"" {
                    return start..<text.index(after: index)
                }
                index = text.index(after: index)
            }
            return nil
        }
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
