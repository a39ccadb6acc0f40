import CHISPayShims
import Foundation

/// A few dedicated threads, each owning one reusable curl easy handle; all handles share one
/// connection/DNS/TLS-session cache. Blocking `curl_easy_perform` runs here, not on Swift's
/// cooperative pool.
final class CurlWorkerPool: @unchecked Sendable {
    typealias Job = @Sendable (CurlEasyHandle) -> Void

    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var stopping = false
    private let share: OpaquePointer?

    init(size: Int) {
        share = hispay_curl_share_create()
        for index in 0..<size {
            // Handles are made here, on the constructing thread: libcurl (and the OpenSSL state it
            // touches) is never initialised concurrently with other OpenSSL work in the process.
            let handle = CurlEasyHandle(share: share.map { hispay_curl_share_handle($0) })
            let thread = Thread { [self] in run(handle) }
            thread.name = "hispay-curl-\(index)"
            thread.start()
        }
    }

    deinit { if let share { hispay_curl_share_destroy(share) } }

    func submit(_ job: @escaping Job) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Lets the threads finish queued jobs and exit; the last one out releases the pool.
    func shutdown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    private func run(_ handle: CurlEasyHandle) {
        while let job = next() { job(handle) }
        handle.close()
    }

    private func next() -> Job? {
        condition.lock()
        defer { condition.unlock() }
        while jobs.isEmpty, !stopping { condition.wait() }
        return jobs.isEmpty ? nil : jobs.removeFirst()
    }
}
