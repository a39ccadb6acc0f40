import CHISPayOpenSSL

/// Reads and clears OpenSSL's per-thread error queue.
enum OpenSSLErrors {
    /// Clears stale errors before an operation.
    static func clear() { ERR_clear_error() }

    /// Drains the queue into one line such as `"error:1E08010C:DECODER routines::unsupported"`.
    static func drain() -> String {
        var lines: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            let line = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            lines.append(line)
        }
        return lines.isEmpty ? "no OpenSSL detail" : lines.joined(separator: "; ")
    }

    /// An error with the drained OpenSSL detail appended to `reason`.
    static func error(_ code: CryptoError.Code, _ reason: String) -> CryptoError {
        CryptoError(code, "\(reason) (\(drain()))")
    }
}
