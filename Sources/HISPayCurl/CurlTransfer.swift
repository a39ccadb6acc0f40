import Foundation
import HISPayCore
import Synchronization

/// One request in flight: what to send, what has come back, and whether it was cancelled.
/// Callbacks from libcurl reach it through an unretained pointer while `perform` runs.
final class CurlTransfer: Sendable {
    let request: HTTPRequest
    let configuration: CurlTransport.Configuration
    private let cancelled = Atomic<Bool>(false)
    private let received = Mutex(Received())

    struct Received {
        var status = 0
        var headers = HTTPHeaders()
        var body = Data()
    }

    init(request: HTTPRequest, configuration: CurlTransport.Configuration) {
        self.request = request
        self.configuration = configuration
    }

    func cancel() { cancelled.store(true, ordering: .relaxed) }
    var isCancelled: Bool { cancelled.load(ordering: .relaxed) }

    /// A header line from libcurl: a status line starts a new response (after a proxy CONNECT or a
    /// `100 Continue`), a `Name: value` line adds a field.
    func receiveHeaderLine(_ line: String) {
        let trimmed = line.trimmingCharacters(in: .newlines)
        received.withLock { state in
            if trimmed.hasPrefix("HTTP/") {
                let parts = trimmed.split(separator: " ", maxSplits: 2)
                state.status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
                state.headers = HTTPHeaders()
            } else if let colon = trimmed.firstIndex(of: ":") {
                let name = String(trimmed[..<colon])
                let value = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                state.headers.add(name, value)
            }
        }
    }

    func receiveBody(_ bytes: UnsafeRawBufferPointer) {
        received.withLock { $0.body.append(contentsOf: bytes) }
    }

    /// Clears what was received (before a fresh perform).
    func reset() { received.withLock { $0 = Received() } }

    func response(status: Int) -> HTTPResponse {
        received.withLock { HTTPResponse(status: status, headers: $0.headers, body: $0.body) }
    }
}
