import CHISPayCurl
import CHISPayShims
import HISPayCore

/// Maps a libcurl result onto ``TransportError``, deciding whether a retry is safe: only when the
/// request provably was not sent.
enum CurlErrorMapping {
    static func error(for code: CURLcode, detail: String, requestSent: Bool, transfer: CurlTransfer) -> TransportError {
        let text = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        switch code {
        case CURLE_COULDNT_CONNECT:
            return TransportError(.connectFailed, reason: text, isRetrySafe: true)
        case CURLE_COULDNT_RESOLVE_HOST:
            return TransportError(.dnsFailure, reason: text, isRetrySafe: true)
        case CURLE_COULDNT_RESOLVE_PROXY, CURLE_PROXY:
            return TransportError(.proxyFailure, reason: text, isRetrySafe: true)
        case CURLE_OPERATION_TIMEDOUT:
            let phase = requestSent ? "after the request was sent: query before retrying" : "before the request was sent"
            return TransportError(.timeout, reason: "\(text) (\(phase))", isRetrySafe: !requestSent)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CLIENTCERT, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_ENGINE_INITFAILED:
            return TransportError(.tlsFailure, reason: text, isRetrySafe: !requestSent)
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_BAD_FUNCTION_ARGUMENT:
            return TransportError(.invalidRequest, reason: text, isRetrySafe: true)
        case CURLE_ABORTED_BY_CALLBACK where transfer.isCancelled:
            return TransportError(.cancelled, reason: "cancelled", isRetrySafe: !requestSent)
        case CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_PARTIAL_FILE:
            return TransportError(.connectionLost, reason: text, isRetrySafe: !requestSent)
        default:
            return TransportError(.other, reason: text, isRetrySafe: false)
        }
    }
}
