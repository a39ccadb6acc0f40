import HISPayCore
import Foundation

/// Removes secrets from requests and responses before they are written to a cassette, and from
/// live requests before they are compared with recorded ones (so both sides match).
///
/// Signatures and signing keys' public parts may stay; API keys, tokens, passwords and patient
/// identifiers may not. Three mechanisms, applied in order:
/// 1. named secret values: every occurrence of the value becomes `<NAME>`;
/// 2. header names: the whole value becomes `<REDACTED>`;
/// 3. field names: the value of `name=value` in URLs and form bodies, and of `"name": "value"` in
///    JSON bodies, becomes `<REDACTED>`.
public struct Redactor: Sendable {
    /// Placeholder name → secret value.
    public var secrets: [String: String]
    /// Lower-cased header names whose values are replaced.
    public var headerNames: Set<String>
    /// Field names whose values are replaced in URLs, forms and JSON.
    public var fieldNames: Set<String>

    /// The placeholder written for header and field values.
    public static let placeholder = "<REDACTED>"

    public init(secrets: [String: String] = [:], headerNames: Set<String> = [], fieldNames: Set<String> = []) {
        self.secrets = secrets.filter { !$0.value.isEmpty }
        self.headerNames = Set(headerNames.map { $0.lowercased() })
        self.fieldNames = fieldNames
    }

    /// A redactor with the usual suspects: cookies, API-key headers and token/password/ID-number fields.
    public static let standard = Redactor(
        headerNames: ["cookie", "set-cookie", "x-api-key", "proxy-authorization"],
        fieldNames: [
            "app_auth_token", "auth_token", "access_token", "refresh_token", "password", "passwd", "appSecret",
            "app_secret", "certid_no", "cert_no", "mdtrt_cert_no", "psn_cert_no", "id_card", "idcard",
            // NHSA 1101's `certno` and the mobile-pay centre's `idNo`: resident ID numbers.
            "certno", "idNo",
        ]
    )

    /// A copy that also replaces `value` with `<name>`.
    public func adding(secret value: String, as name: String) -> Redactor {
        var copy = self
        if !value.isEmpty { copy.secrets[name] = value }
        return copy
    }

    /// The redacted recorded form of `request`.
    public func redact(_ request: HTTPRequest) -> Cassette.Request {
        var recorded = Cassette.Request(request)
        recorded.url = redactFields(in: redactSecrets(in: recorded.url))
        recorded.headers = redact(headers: recorded.headers)
        recorded.body = recorded.body.map(redact(body:))
        return recorded
    }

    /// The redacted recorded form of `response`.
    public func redact(_ response: HTTPResponse) -> Cassette.Response {
        var recorded = Cassette.Response(response)
        recorded.headers = redact(headers: recorded.headers)
        recorded.body = recorded.body.map(redact(body:))
        return recorded
    }

    /// Names of secret values still present in `text` (empty when clean).
    public func leakedSecrets(in text: String) -> [String] {
        secrets.filter { text.contains($0.value) }.map(\.key).sorted()
    }

    private func redact(headers: [[String]]) -> [[String]] {
        headers.map { pair in
            guard let name = pair.first else { return pair }
            if headerNames.contains(name.lowercased()) { return [name, Redactor.placeholder] }
            return pair.map(redactSecrets(in:))
        }
    }

    private func redact(body: Cassette.Body) -> Cassette.Body {
        guard let text = body.utf8 else { return body }
        return Cassette.Body(Data(redactFields(in: redactSecrets(in: text)).utf8))
    }

    private func redactSecrets(in text: String) -> String {
        secrets.sorted { $0.value.count > $1.value.count }.reduce(text) { partial, secret in
            partial.replacingOccurrences(of: secret.value, with: "<\(secret.key)>")
        }
    }

    private func redactFields(in text: String) -> String {
        var out = text
        for name in fieldNames.sorted() {
            let escaped = NSRegularExpression.escapedPattern(for: name)
            out = Redactor.replace(#"("\#(escaped)"\s*:\s*")(?:[^"\\]|\\.)*(")"#, in: out)
            out = Redactor.replace(#"((?:^|[?&])\#(escaped)=)[^&#]*()"#, in: out)
        }
        return out
    }

    private static func replace(_ pattern: String, in text: String) -> String {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return text }
        let range = NSRange(text.startIndex..., in: text)
        return regex.stringByReplacingMatches(in: text, range: range, withTemplate: "$1\(placeholder)$2")
    }
}
