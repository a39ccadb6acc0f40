import HISPayCore
import Foundation

/// A readable JSON file of recorded request/response pairs, replayed at the `HTTPTransport`
/// boundary (DESIGN decision 6).
///
/// ```json
/// {"format": 1, "name": "wechatpay-native-pay", "recordedAt": "2026-11-22T10:00:00+08:00",
///  "interactions": [{"request": {"method": "POST", "url": "https://…", "headers": [["Authorization", "…"]],
///                                "body": {"utf8": "{…}"}, "stringToSign": "…"},
///                    "response": {"status": 200, "headers": [["Content-Type", "application/json"]],
///                                 "body": {"utf8": "{…}"}}}]}
/// ```
/// Bodies are UTF-8 text when they are valid UTF-8, else base64 (`{"base64": "…"}`).
public struct Cassette: Codable, Hashable, Sendable {
    /// The cassette format version, 1.
    public var format: Int
    public var name: String
    /// When it was recorded (ISO 8601), to freeze the replay clock at.
    public var recordedAt: String?
    public var interactions: [Interaction]

    public init(name: String, recordedAt: String? = nil, interactions: [Interaction] = []) {
        self.format = 1
        self.name = name
        self.recordedAt = recordedAt
        self.interactions = interactions
    }

    /// ``recordedAt`` as a date, to start a `ManualTimeSource` at when replaying signed traffic.
    public var recordedDate: Date? {
        recordedAt.flatMap { try? Date($0, strategy: .iso8601) }
    }

    /// One request and the response it got.
    public struct Interaction: Codable, Hashable, Sendable {
        public var request: Request
        public var response: Response

        public init(request: Request, response: Response) {
            self.request = request
            self.response = response
        }
    }

    /// A recorded request (after redaction).
    public struct Request: Codable, Hashable, Sendable {
        public var method: String
        public var url: String
        public var headers: [[String]]
        public var body: Body?
        /// The canonical string a randomized signature (SM2) covers, when a matcher records one.
        public var stringToSign: String?

        public init(method: String, url: String, headers: [[String]], body: Body?, stringToSign: String? = nil) {
            self.method = method
            self.url = url
            self.headers = headers
            self.body = body
            self.stringToSign = stringToSign
        }

        /// The recorded form of `request` (no redaction applied).
        public init(_ request: HTTPRequest) {
            self.init(
                method: request.method, url: request.url, headers: request.headers.fields.map { [$0.name, $0.value] },
                body: request.body.isEmpty ? nil : Body(request.body))
        }

        /// Back to a request.
        public var httpRequest: HTTPRequest {
            HTTPRequest(method: method, url: url, headers: Cassette.headers(headers), body: body?.data ?? Data())
        }
    }

    /// A recorded response (after redaction).
    public struct Response: Codable, Hashable, Sendable {
        public var status: Int
        public var headers: [[String]]
        public var body: Body?

        public init(status: Int, headers: [[String]], body: Body?) {
            self.status = status
            self.headers = headers
            self.body = body
        }

        public init(_ response: HTTPResponse) {
            self.init(
                status: response.status, headers: response.headers.fields.map { [$0.name, $0.value] },
                body: response.body.isEmpty ? nil : Body(response.body))
        }

        public var httpResponse: HTTPResponse {
            HTTPResponse(status: status, headers: Cassette.headers(headers), body: body?.data ?? Data())
        }
    }

    /// A body: readable text when it is UTF-8, base64 otherwise.
    public struct Body: Codable, Hashable, Sendable {
        public var utf8: String?
        public var base64: String?

        public init(_ data: Data) {
            // Not String(data:encoding:), which drops a leading byte-order mark (bills start with one).
            if let text = String(validating: data, as: UTF8.self) {
                utf8 = text
            } else {
                base64 = data.base64EncodedString()
            }
        }

        public var data: Data {
            if let utf8 { return Data(utf8.utf8) }
            return base64.flatMap { Data(base64Encoded: $0) } ?? Data()
        }
    }

    /// Loads a cassette file; throws ``CassetteError/Code/unreadable`` naming the file.
    public static func load(from url: URL) throws -> Cassette {
        do {
            return try JSONDecoder().decode(Cassette.self, from: Data(contentsOf: url))
        } catch {
            throw CassetteError(.unreadable, "cassette \(url.lastPathComponent) could not be read: \(error)")
        }
    }

    /// The cassette as pretty-printed JSON with sorted keys (stable diffs).
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Writes the cassette to `url`.
    public func write(to url: URL) throws {
        try encoded().write(to: url, options: .atomic)
    }

    static func headers(_ pairs: [[String]]) -> HTTPHeaders {
        HTTPHeaders(pairs.map { (name: $0.first ?? "", value: $0.count > 1 ? $0[1] : "") })
    }
}
