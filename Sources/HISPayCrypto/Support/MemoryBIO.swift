import CHISPayOpenSSL
import CHISPayShims

/// Runs an OpenSSL writer against a memory BIO and returns what it wrote as text.
enum MemoryBIO {
    static func collect(_ write: (OpaquePointer) -> Int32) throws -> String {
        OpenSSLErrors.clear()
        guard let bio = BIO_new(BIO_s_mem()) else { throw OpenSSLErrors.error(.internalFailure, "no memory BIO") }
        defer { BIO_free(bio) }
        guard write(bio) >= 1 else { throw OpenSSLErrors.error(.internalFailure, "OpenSSL could not write the value") }
        var data: UnsafePointer<CChar>? = nil
        let length = hispay_BIO_get_mem_data(bio, &data)
        guard let data, length > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
    }
}
