import CHISPayOpenSSL
import Foundation

/// Verifies that a certificate chains to trusted roots at a given time, the way UnionPay 5.1.0
/// requires for the `signPubKeyCert` in every response and callback.
public struct CertificateVerifier: Sendable {
    /// The trust anchors.
    public let roots: [Certificate]

    /// A verifier trusting `roots` (self-signed CA certificates).
    public init(roots: [Certificate]) {
        self.roots = roots
    }

    /// Throws unless `leaf` chains through `intermediates` to one of the roots, with every
    /// certificate valid at `time`: ``CryptoError/Code/certificateExpired``,
    /// ``CryptoError/Code/certificateNotYetValid`` or ``CryptoError/Code/untrustedCertificate``.
    public func verify(_ leaf: Certificate, intermediates: [Certificate] = [], at time: Date) throws {
        OpenSSLErrors.clear()
        defer { ERR_clear_error() }
        guard let store = X509_STORE_new() else { throw OpenSSLErrors.error(.internalFailure, "no X509 store") }
        defer { X509_STORE_free(store) }
        for root in roots where X509_STORE_add_cert(store, root.handle.pointer) != 1 {
            throw OpenSSLErrors.error(.internalFailure, "root \(root) could not be added")
        }
        guard let untrusted = OPENSSL_sk_new_null() else { throw OpenSSLErrors.error(.internalFailure, "no stack") }
        defer { OPENSSL_sk_free(untrusted) }
        for certificate in intermediates {
            OPENSSL_sk_push(untrusted, UnsafeRawPointer(certificate.handle.pointer))
        }
        guard let ctx = X509_STORE_CTX_new() else { throw OpenSSLErrors.error(.internalFailure, "no X509 context") }
        defer { X509_STORE_CTX_free(ctx) }
        guard X509_STORE_CTX_init(ctx, store, leaf.handle.pointer, untrusted) == 1 else {
            throw OpenSSLErrors.error(.internalFailure, "X509 context could not start")
        }
        X509_STORE_CTX_set_time(ctx, 0, time_t(time.timeIntervalSince1970.rounded(.down)))
        let result = withExtendedLifetime(intermediates) { withExtendedLifetime(roots) { X509_verify_cert(ctx) } }
        if result == 1 { return }
        let code = X509_STORE_CTX_get_error(ctx)
        let depth = X509_STORE_CTX_get_error_depth(ctx)
        let reason = String(cString: X509_verify_cert_error_string(Int(code)))
        let subject = depth == 0 ? "certificate \(leaf.subjectCommonName ?? "-")" : "chain certificate at depth \(depth)"
        switch code {
        case X509_V_ERR_CERT_HAS_EXPIRED:
            throw CryptoError(.certificateExpired, "\(subject) has expired at the checked time (\(reason))")
        case X509_V_ERR_CERT_NOT_YET_VALID:
            throw CryptoError(.certificateNotYetValid, "\(subject) is not yet valid at the checked time (\(reason))")
        default:
            throw CryptoError(.untrustedCertificate, "\(subject) does not chain to the configured roots (\(reason))")
        }
    }
}
