import Foundation
import HISPayCore

/// The `key=value&…` messages of the ACP gateway.
package enum UnionPayMessage {
    /// Parses a synchronous answer: raw text whose values may hold `&` and `=` inside `{…}` or `[…]`
    /// groups (kept as data, as the official `parseQString` does).
    package static func parseResponse(_ body: Data) throws(ChannelError) -> [String: String] {
        guard let text = String(validating: body, as: UTF8.self) else {
            throw ChannelError(.invalidResponse, channel: .unionPay, reason: "answer is not UTF-8")
        }
        var fields: [String: String] = [:]
        var key = ""
        var current = ""
        var readingKey = true
        var depth = 0
        func finish() throws(ChannelError) {
            guard !key.isEmpty else { return }
            guard fields[key] == nil else { throw ChannelError(.invalidResponse, channel: .unionPay, reason: "answer repeats field \(key)") }
            fields[key] = current
        }
        for character in text.trimmingCharacters(in: .whitespacesAndNewlines) {
            if readingKey {
                if character == "=" {
                    key = current
                    current = ""
                    readingKey = false
                } else if character == "&" {
                    throw ChannelError(.invalidResponse, channel: .unionPay, reason: "answer has a field without '=': \(current.prefix(40))")
                } else {
                    current.append(character)
                }
                continue
            }
            if character == "{" || character == "[" { depth += 1 }
            if character == "}" || character == "]" { depth = max(0, depth - 1) }
            if character == "&", depth == 0 {
                try finish()
                key = ""
                current = ""
                readingKey = true
            } else {
                current.append(character)
            }
        }
        if !readingKey { try finish() } else if !current.isEmpty {
            throw ChannelError(.invalidResponse, channel: .unionPay, reason: "answer ends with a field without '='")
        }
        return fields
    }

    /// Parses a URL-encoded notification body (`+` is a space, `%0D%0A` the CRLF inside `signPubKeyCert`).
    package static func parseForm(_ body: Data) throws(ChannelError) -> [String: String] {
        do {
            return try FormFields.decode(body, trimming: true, rejectingRepeats: false)
        } catch {
            guard case .brokenEscape(let field) = error else { throw ChannelError(.invalidResponse, channel: .unionPay, reason: "notification is not UTF-8") }
            throw ChannelError(.invalidResponse, channel: .unionPay, reason: "notification field \(field) has a broken %-escape")
        }
    }

    /// `key=value` of every field but `signature`, sorted by key, joined with `&` (no escaping).
    package static func stringToSign(_ fields: [String: String]) -> String { String(decoding: bytesToSign(fields), as: UTF8.self) }

    /// ``stringToSign(_:)``'s UTF-8 bytes.
    package static func bytesToSign(_ fields: [String: String]) -> [UInt8] { SignedPairs.bytes(fields, excluding: ["signature"], droppingEmpty: false) }

    /// A form body for a request (values percent-encoded).
    package static func formBody(_ fields: [String: String]) -> Data {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let text = fields.sorted { $0.key < $1.key }.map { key, value in
            "\(key)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)"
        }.joined(separator: "&")
        return Data(text.utf8)
    }
}
