import CHISPayCurl
import CHISPayShims
import Foundation
import HISPayCore

/// One libcurl easy handle, made by the pool and then owned by exactly one worker thread (hence
/// `@unchecked Sendable`), reused across requests so connections stay open (`curl_easy_reset` keeps
/// the connection cache).
final class CurlEasyHandle: @unchecked Sendable {
    private let handle: UnsafeMutableRawPointer?
    private let share: UnsafeMutableRawPointer?
    /// libcurl writes its error detail here during `curl_easy_perform`.
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)

    init(share: UnsafeMutableRawPointer?) {
        self.handle = curl_easy_init()
        self.share = share
    }

    func close() {
        if let handle { curl_easy_cleanup(handle) }
        errorBuffer.deallocate()
    }

    /// Runs one transfer to completion on the calling (worker) thread.
    func perform(_ transfer: CurlTransfer) -> Result<HTTPResponse, TransportError> {
        guard let handle else {
            return .failure(TransportError(.other, reason: "libcurl could not create a handle", isRetrySafe: true))
        }
        if transfer.isCancelled {
            return .failure(TransportError(.cancelled, reason: "cancelled before sending", isRetrySafe: true))
        }
        curl_easy_reset(handle)
        transfer.reset()
        errorBuffer.initialize(to: 0)
        var headerList: UnsafeMutablePointer<curl_slist>? = nil
        defer { curl_slist_free_all(headerList) }

        let context = Unmanaged.passUnretained(transfer).toOpaque()
        if let failure = configure(handle, transfer: transfer, context: context, headerList: &headerList) {
            return .failure(failure)
        }
        let code = curl_easy_perform(handle)
        var sentBytes = 0
        var status = 0
        _ = hispay_curl_easy_getinfo_long(handle, CURLINFO_REQUEST_SIZE, &sentBytes)
        _ = hispay_curl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        guard code == CURLE_OK else {
            let detail = String(cString: errorBuffer)
            return .failure(CurlErrorMapping.error(for: code, detail: detail, requestSent: sentBytes > 0, transfer: transfer))
        }
        return .success(transfer.response(status: status))
    }

    /// Sets every option for `transfer`; returns an error if one is refused.
    private func configure(
        _ handle: UnsafeMutableRawPointer,
        transfer: CurlTransfer,
        context: UnsafeMutableRawPointer,
        headerList: inout UnsafeMutablePointer<curl_slist>?
    ) -> TransportError? {
        let request = transfer.request
        let configuration = transfer.configuration
        var failure: TransportError? = nil
        func check(_ code: CURLcode, _ what: String) {
            if code != CURLE_OK, failure == nil {
                let reason = String(cString: curl_easy_strerror(code))
                failure = TransportError(.invalidRequest, reason: "\(what) rejected by libcurl: \(reason)", isRetrySafe: true)
            }
        }
        func setLong(_ option: CURLoption, _ value: Int, _ what: String) {
            check(hispay_curl_easy_setopt_long(handle, option, value), what)
        }
        func setString(_ option: CURLoption, _ value: String, _ what: String) {
            check(value.withCString { hispay_curl_easy_setopt_pointer(handle, option, $0) }, what)
        }
        func setBlob(_ option: CURLoption, _ bytes: [UInt8], _ what: String) {
            check(bytes.withUnsafeBytes { hispay_curl_easy_setopt_blob(handle, option, $0.baseAddress, $0.count) }, what)
        }

        check(hispay_curl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer), "error buffer")
        setString(CURLOPT_URL, request.url, "URL")
        setString(CURLOPT_PROTOCOLS_STR, "http,https", "protocols")
        setLong(CURLOPT_NOSIGNAL, 1, "nosignal")
        setLong(CURLOPT_FOLLOWLOCATION, 0, "redirects")
        setLong(CURLOPT_CONNECTTIMEOUT_MS, milliseconds(configuration.connectTimeout), "connect timeout")
        setLong(CURLOPT_TIMEOUT_MS, milliseconds(request.timeout ?? configuration.defaultTimeout), "timeout")
        setString(CURLOPT_USERAGENT, configuration.userAgent, "user agent")
        if let share { check(hispay_curl_easy_setopt_pointer(handle, CURLOPT_SHARE, share), "share") }

        switch request.method.uppercased() {
        case "GET" where request.body.isEmpty:
            setLong(CURLOPT_HTTPGET, 1, "GET")
        case "HEAD":
            setLong(CURLOPT_NOBODY, 1, "HEAD")
        default:
            setLong(CURLOPT_POST, 1, "POST")
            check(hispay_curl_easy_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)), "body size")
            check(
                request.body.withUnsafeBytes { hispay_curl_easy_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1)) },
                "body")
            if request.method.uppercased() != "POST" { setString(CURLOPT_CUSTOMREQUEST, request.method, "method") }
        }

        for field in request.headers { headerList = curl_slist_append(headerList, "\(field.name): \(field.value)") }
        headerList = curl_slist_append(headerList, "Expect:")  // no 100-continue round trip
        check(hispay_curl_easy_setopt_pointer(handle, CURLOPT_HTTPHEADER, headerList), "headers")

        switch configuration.proxy {
        case .environment: break
        case .direct: setString(CURLOPT_PROXY, "", "proxy")
        case .url(let url): setString(CURLOPT_PROXY, url, "proxy")
        }

        setLong(CURLOPT_SSL_VERIFYPEER, configuration.verifiesPeer ? 1 : 0, "TLS verification")
        setLong(CURLOPT_SSL_VERIFYHOST, configuration.verifiesPeer ? 2 : 0, "TLS host verification")
        if let cas = configuration.trustedCAs { setBlob(CURLOPT_CAINFO_BLOB, cas, "CA bundle") }
        switch configuration.clientCertificate?.form {
        case .pem(let certificate, let privateKey, let password)?:
            setString(CURLOPT_SSLCERTTYPE, "PEM", "client certificate type")
            setBlob(CURLOPT_SSLCERT_BLOB, certificate, "client certificate")
            setString(CURLOPT_SSLKEYTYPE, "PEM", "client key type")
            setBlob(CURLOPT_SSLKEY_BLOB, privateKey, "client key")
            if let password { setString(CURLOPT_KEYPASSWD, password, "client key password") }
        case .pkcs12(let bytes, let password)?:
            setString(CURLOPT_SSLCERTTYPE, "P12", "client certificate type")
            setBlob(CURLOPT_SSLCERT_BLOB, bytes, "client certificate")
            setString(CURLOPT_KEYPASSWD, password, "client certificate password")
        case nil: break
        }

        check(hispay_curl_easy_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION, curlWriteBody), "body callback")
        check(hispay_curl_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, context), "body context")
        check(hispay_curl_easy_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION, curlWriteHeader), "header callback")
        check(hispay_curl_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, context), "header context")
        check(hispay_curl_easy_setopt_progress_callback(handle, curlProgress), "progress callback")
        check(hispay_curl_easy_setopt_pointer(handle, CURLOPT_XFERINFODATA, context), "progress context")
        setLong(CURLOPT_NOPROGRESS, 0, "progress")
        return failure
    }

    private func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}

private func transfer(_ context: UnsafeMutableRawPointer?) -> CurlTransfer? {
    context.map { Unmanaged<CurlTransfer>.fromOpaque($0).takeUnretainedValue() }
}

private let curlWriteBody: hispay_curl_data_callback = { data, size, count, context in
    guard let transfer = transfer(context), let data else { return 0 }
    transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
    return size * count
}

private let curlWriteHeader: hispay_curl_data_callback = { data, size, count, context in
    guard let transfer = transfer(context), let data else { return 0 }
    transfer.receiveHeaderLine(String(decoding: UnsafeRawBufferPointer(start: data, count: size * count), as: UTF8.self))
    return size * count
}

private let curlProgress: hispay_curl_progress_callback = { context, _, _, _, _ in
    (transfer(context)?.isCancelled ?? false) ? 1 : 0
}
