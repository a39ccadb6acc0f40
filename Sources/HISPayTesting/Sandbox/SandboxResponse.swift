import Foundation
import HISPayCore

/// What a simulated channel answers: status, headers, body.
public struct SandboxResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: Data

    public init(status: Int, headers: [(String, String)] = [], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON body with sorted keys.
    static func json(_ status: Int, _ object: [String: Any]) -> SandboxResponse {
        let body = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return SandboxResponse(status: status, headers: [("Content-Type", "application/json; charset=utf-8")], body: body)
    }

    /// A 200 answer whose body is `value` as JSON (numbers as their exact text).
    static func json(_ value: ConfigValue) -> SandboxResponse {
        SandboxResponse(status: 200, headers: [("Content-Type", "application/json;charset=utf-8")], body: Data(value.jsonText().utf8))
    }

    /// A WeChat Pay error answer: `{"code", "message"}`.
    static func error(_ status: Int, _ code: String, _ message: String) -> SandboxResponse {
        json(status, ["code": code, "message": message])
    }
}
