import CHISPayOpenSSL

/// Owns one OpenSSL `X509`.
final class CertificateHandle: @unchecked Sendable {
    let pointer: OpaquePointer
    init(taking pointer: OpaquePointer) { self.pointer = pointer }
    deinit { X509_free(pointer) }
}
