import CHISPayOpenSSL
import Foundation

extension DigestAlgorithm {
    /// The digest of the file at `url`, read 1 MiB at a time (a statement or ledger of millions of
    /// rows is never held whole for it).
    public func hash(fileAt url: URL) throws -> [UInt8] {
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw CryptoError(.malformedEncoding, "cannot read \(url.path) to digest it")
        }
        defer { try? handle.close() }
        guard let context = EVP_MD_CTX_new() else { throw OpenSSLErrors.error(.internalFailure, "no digest context") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestInit_ex(context, try evp, nil) == 1 else { throw OpenSSLErrors.error(.internalFailure, "\(name) digest failed") }
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            let ok = chunk.withUnsafeBytes { EVP_DigestUpdate(context, $0.baseAddress, $0.count) }
            guard ok == 1 else { throw OpenSSLErrors.error(.internalFailure, "\(name) digest failed") }
        }
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(context, &out, &length) == 1 else { throw OpenSSLErrors.error(.internalFailure, "\(name) digest failed") }
        return Array(out.prefix(Int(length)))
    }
}
