import CHISPayCurl
import Foundation
import CHISPayShims
import HISPayCore
import Logging

/// `HTTPTransport` on the system libcurl (DESIGN decision 5): connect and total timeouts,
/// connection reuse, an HTTP proxy, a custom CA bundle, client certificates (mTLS), TLS
/// verification always on unless a test turns it off.
///
/// Each request runs on one of a few dedicated worker threads, never blocking Swift's cooperative
/// thread pool; connections, DNS and TLS sessions are shared between them. Cancelling the calling
/// task aborts the transfer.
public final class CurlTransport: HTTPTransport {
    public let configuration: Configuration
    private let pool: CurlWorkerPool
    private let logger: Logger

    /// Starts the worker threads.
    public init(configuration: Configuration = Configuration(), logger: Logger = .silent) {
        CurlGlobal.initializeOnce()
        self.configuration = configuration
        self.logger = logger
        self.pool = CurlWorkerPool(size: configuration.maximumConcurrentRequests)
    }

    deinit { pool.shutdown() }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let transfer = CurlTransfer(request: request, configuration: configuration)
        logger.debug("hispay.curl.request", metadata: ["method": "\(request.method)", "host": "\(CurlTransport.host(of: request.url))"])
        let result: Result<HTTPResponse, TransportError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                pool.submit { handle in continuation.resume(returning: handle.perform(transfer)) }
            }
        } onCancel: {
            transfer.cancel()
        }
        switch result {
        case .success(let response):
            logger.debug("hispay.curl.response", metadata: ["status": "\(response.status)"])
            return response
        case .failure(let error):
            logger.debug("hispay.curl.failure", metadata: ["code": "\(error.code)", "retrySafe": "\(error.isRetrySafe)"])
            throw error
        }
    }

    /// The host of a URL, for log metadata (never the path or query, which may carry identifiers).
    static func host(of url: String) -> String {
        guard let start = url.range(of: "://")?.upperBound else { return "?" }
        return String(url[start...].prefix { $0 != "/" && $0 != "?" })
    }
}

/// `curl_global_init` exactly once per process.
enum CurlGlobal {
    private static let initialized: Bool = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
    }()

    static func initializeOnce() { _ = initialized }
}
