import HISPayCore
/// Decides whether a live request is a recorded one.
public protocol RequestMatcher: Sendable {
    /// Empty when `actual` matches `recorded`, else the differences in words (for the "closest
    /// recorded request" report). Both are already redacted.
    func differences(recorded: Cassette.Request, actual: Cassette.Request) -> [String]

    /// What to store alongside a recorded request (e.g. its string-to-sign).
    func annotate(_ request: inout Cassette.Request)
}

extension RequestMatcher {
    public func annotate(_ request: inout Cassette.Request) {}
}

/// Byte-for-byte matching of method, URL, headers (names, values and order) and body: what signed
/// requests must satisfy when the clock and nonce source are injected.
public struct ExactRequestMatcher: RequestMatcher {
    /// Header names (case-insensitive) left out of the comparison, e.g. `User-Agent`.
    public var ignoredHeaders: Set<String>

    public init(ignoredHeaders: Set<String> = []) {
        self.ignoredHeaders = Set(ignoredHeaders.map { $0.lowercased() })
    }

    public func differences(recorded: Cassette.Request, actual: Cassette.Request) -> [String] {
        var out: [String] = []
        if recorded.method != actual.method { out.append("method \(actual.method), recorded \(recorded.method)") }
        if recorded.url != actual.url { out.append("url \(actual.url), recorded \(recorded.url)") }
        let recordedHeaders = kept(recorded.headers)
        let actualHeaders = kept(actual.headers)
        if recordedHeaders != actualHeaders {
            out.append(RequestDiff.headers(recorded: recordedHeaders, actual: actualHeaders))
        }
        if let bodyDifference = RequestDiff.body(recorded: recorded.body, actual: actual.body) {
            out.append(bodyDifference)
        }
        return out
    }

    private func kept(_ headers: [[String]]) -> [[String]] {
        headers.filter { !ignoredHeaders.contains(($0.first ?? "").lowercased()) }
    }
}

/// Matching for requests with randomized signatures (SM2): method, URL and the string-to-sign must
/// equal the recorded ones, and the live signature must verify — the signature bytes themselves
/// are not compared.
public struct SignedRequestMatcher: RequestMatcher {
    /// Extracts the string-to-sign and the signature from a request.
    public typealias Extract = @Sendable (Cassette.Request) -> (stringToSign: String, signature: [UInt8])?
    /// Verifies a signature over a string-to-sign (with the test public key).
    public typealias Verify = @Sendable (_ stringToSign: String, _ signature: [UInt8]) -> Bool

    private let extract: Extract
    private let verify: Verify
    /// Headers carrying the signature (or values derived from it), left out of the header comparison.
    private let signatureHeaders: Set<String>

    public init(signatureHeaders: Set<String> = [], extract: @escaping Extract, verify: @escaping Verify) {
        self.extract = extract
        self.verify = verify
        self.signatureHeaders = Set(signatureHeaders.map { $0.lowercased() })
    }

    public func differences(recorded: Cassette.Request, actual: Cassette.Request) -> [String] {
        var out = ExactRequestMatcher(ignoredHeaders: signatureHeaders)
            .differences(recorded: recorded, actual: actual)
            .filter { !$0.hasPrefix("body") }
        guard let live = extract(actual) else { return out + ["no signature found in the request"] }
        if live.stringToSign != recorded.stringToSign {
            out.append(
                "string-to-sign differs: \(RequestDiff.firstDifference(recorded.stringToSign ?? "", live.stringToSign))")
        } else if !verify(live.stringToSign, live.signature) {
            out.append("signature does not verify over the string-to-sign")
        }
        return out
    }

    public func annotate(_ request: inout Cassette.Request) {
        request.stringToSign = extract(request)?.stringToSign
    }
}
