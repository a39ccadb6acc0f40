import Foundation
import HISPayCore
import HISPayCrypto
import Synchronization

/// Verifies ACP answers and notifications. 5.1.0: the `signPubKeyCert` carried by the message must be
/// valid at `now`, chain to the configured middle and root certificates, and belong to UnionPay (CN
/// owner part `中国银联股份有限公司`; `00040000:SIGN` too only in a test environment); then the
/// SHA256withRSA signature must verify over the SHA-256 hex of every received field but `signature`.
/// 5.0.0 (a message of `version` 5.0.0 without `signPubKeyCert`): the verify certificate is the one of
/// ``verifyCertificates`` whose serial is the message's `certId` (the official SDK's
/// `CertUtil.getValidateCert`), valid at `now`, and the signature SHA1withRSA over the SHA-1 hex.
/// Secure-key profiles compare the recomputed digest instead. Each failure is its own
/// `ChannelError` code.
///
/// A certificate that passed is remembered with its public key for as long as that verdict holds
/// (while it and every configured middle and root certificate are valid): UnionPay signs every
/// message with the same `signPubKeyCert` until it rotates it, and parsing and chaining it again per
/// message cost ten times the signature check.
public struct UnionPayVerifier: Sendable {
    public let roots: [Certificate]
    public let middles: [Certificate]
    public let testEnvironment: Bool
    /// For signMethod 11/12 profiles: the secure key.
    public let secureKey: String?
    /// For 5.0.0 messages: UnionPay's verify certificates (`acp_*_verify_sign.cer`), found by `certId`.
    public let verifyCertificates: [Certificate]

    /// Certificates that passed, by their text, with the window their verdict holds in.
    private let accepted = AcceptedCertificates()

    public static let owner = "中国银联股份有限公司"
    package static let testOwner = "00040000:SIGN"

    public init(roots: [Certificate], middles: [Certificate], testEnvironment: Bool = false, secureKey: String? = nil, verifyCertificates: [Certificate] = []) {
        self.roots = roots
        self.middles = middles
        self.testEnvironment = testEnvironment
        self.secureKey = secureKey
        self.verifyCertificates = verifyCertificates
    }

    public func verify(_ fields: [String: String], now: Date) throws(ChannelError) {
        guard let signature = fields["signature"], !signature.isEmpty else {
            throw ChannelError(.signatureInvalid, channel: .unionPay, reason: "message has no signature")
        }
        let text = UnionPayMessage.bytesToSign(fields)
        switch fields["signMethod"] {
        case "11"?, "12"?:
            guard let secureKey else {
                throw ChannelError(.configuration, channel: .unionPay, reason: "message uses signMethod \(fields["signMethod"]!) but no secureKey is configured")
            }
            let expected: String
            do {
                expected = try UnionPaySigner.secureKeySignature(String(decoding: text, as: UTF8.self), key: secureKey, digest: fields["signMethod"] == "12" ? .sm3 : .sha256)
            } catch {
                throw ChannelError(.signatureInvalid, channel: .unionPay, reason: "signature could not be computed")
            }
            guard ConstantTime.equals(Array(expected.utf8), Array(signature.lowercased().utf8)) else {
                throw ChannelError(.signatureInvalid, channel: .unionPay, reason: "secure-key signature does not match (tampered field or another key)")
            }
        default:
            let legacy = fields["version"] == "5.0.0" && (fields["signPubKeyCert"] ?? "").isEmpty
            let key = legacy ? try verifyCertificateKey(fields, now: now) : try signingKey(fields, now: now)
            let digest: DigestAlgorithm = legacy ? .sha1 : .sha256
            do {
                let hex = Hex.encode(try digest.hash(text))
                try key.verifyRSASignature(try Base64.decode(signature), for: Array(hex.utf8), digest: digest)
            } catch {
                throw ChannelError(
                    .signatureInvalid, channel: .unionPay,
                    reason: "signature does not verify with \(legacy ? "the 5.0.0 verify certificate" : "signPubKeyCert"): \((error as? CryptoError)?.reason ?? "\(error)")")
            }
        }
    }

    /// The key of the 5.0.0 verify certificate named by the message's `certId`, valid at `now`.
    private func verifyCertificateKey(_ fields: [String: String], now: Date) throws(ChannelError) -> PublicKey {
        guard let certID = fields["certId"], !certID.isEmpty else {
            throw ChannelError(.untrustedCertificate, channel: .unionPay, reason: "5.0.0 message carries no certId")
        }
        if let key = accepted.key(for: "certId:" + certID, at: now) { return key }
        guard let certificate = verifyCertificates.first(where: { $0.serialNumberDecimal == certID }) else {
            throw ChannelError(
                .untrustedCertificate, channel: .unionPay,
                reason: "5.0.0 message is signed under certId \(certID), which is none of the configured verifyCertificates (\(verifyCertificates.count))")
        }
        do { try certificate.checkValidity(at: now) } catch {
            throw ChannelError(.certificateExpired, channel: .unionPay, reason: "verify certificate \(certID): \((error as? CryptoError)?.reason ?? "\(error)")")
        }
        return try accepted.remember("certId:" + certID, certificate, chain: [])
    }

    /// The key of the message's `signPubKeyCert`, once it is valid at `now`, chains to the configured
    /// roots and belongs to UnionPay.
    private func signingKey(_ fields: [String: String], now: Date) throws(ChannelError) -> PublicKey {
        guard let pem = fields["signPubKeyCert"], !pem.isEmpty else {
            throw ChannelError(.untrustedCertificate, channel: .unionPay, reason: "message carries no signPubKeyCert")
        }
        if let key = accepted.key(for: pem, at: now) { return key }
        let certificate: Certificate
        do { certificate = try Certificate(pem: pem) } catch {
            throw ChannelError(.untrustedCertificate, channel: .unionPay, reason: "signPubKeyCert is not a certificate")
        }
        do {
            try certificate.checkValidity(at: now)
        } catch {
            throw ChannelError(.certificateExpired, channel: .unionPay, reason: "signPubKeyCert: \((error as? CryptoError)?.reason ?? "\(error)")")
        }
        do {
            try CertificateVerifier(roots: roots).verify(certificate, intermediates: middles, at: now)
        } catch let error as CryptoError where error.code == .certificateExpired || error.code == .certificateNotYetValid {
            throw ChannelError(.certificateExpired, channel: .unionPay, reason: "signPubKeyCert chain: \(error.reason)")
        } catch {
            throw ChannelError(.untrustedCertificate, channel: .unionPay, reason: "signPubKeyCert: \((error as? CryptoError)?.reason ?? "\(error)")")
        }
        let parts = (certificate.subjectCommonName ?? "").split(separator: "@", omittingEmptySubsequences: false)
        let owner = parts.count > 2 ? String(parts[2]) : ""
        guard owner == Self.owner || (testEnvironment && owner == Self.testOwner) else {
            throw ChannelError(
                .certificateOwnerMismatch, channel: .unionPay,
                reason: "signPubKeyCert belongs to \"\(owner)\", not \(Self.owner)\(testEnvironment ? " or \(Self.testOwner)" : "")")
        }
        return try accepted.remember(pem, certificate, chain: middles + roots)
    }
}

/// Certificates a `UnionPayVerifier` accepted, by their text: the public key, and the window in which
/// the verdict holds (the certificate's own validity within every chain certificate's). At most 16
/// are kept; UnionPay has one signing certificate at a time, two while it rotates.
final class AcceptedCertificates: Sendable {
    struct Entry {
        let key: PublicKey
        let from: Date
        let until: Date
    }

    private let entries = Mutex<(byText: [String: Entry], last: (text: String, entry: Entry)?)>(([:], nil))

    /// The key of `text`'s certificate if it was accepted and its verdict holds at `now`. The one
    /// found last is compared first: comparing 2 KB of text is cheaper than hashing it, and nearly
    /// every notification carries the certificate the last one did.
    func key(for text: String, at now: Date) -> PublicKey? {
        entries.withLock { entries in
            let entry: Entry
            if let last = entries.last, last.text == text {
                entry = last.entry
            } else {
                guard let found = entries.byText[text] else { return nil }
                entry = found
                entries.last = (text, found)
            }
            guard entry.from <= now, now <= entry.until else { return nil }
            return entry.key
        }
    }

    /// Remembers `certificate`, just accepted as `text`, valid as long as it and every certificate of
    /// `chain` are; returns its key.
    func remember(_ text: String, _ certificate: Certificate, chain: [Certificate]) throws(ChannelError) -> PublicKey {
        let key: PublicKey
        do { key = try certificate.publicKey } catch {
            throw ChannelError(.untrustedCertificate, channel: .unionPay, reason: "the certificate's public key cannot be read")
        }
        let all = [certificate] + chain
        let entry = Entry(key: key, from: all.map(\.notBefore).max() ?? certificate.notBefore, until: all.map(\.notAfter).min() ?? certificate.notAfter)
        entries.withLock { entries in
            if entries.byText.count >= 16 { entries.byText.removeAll() }
            entries.byText[text] = entry
            entries.last = (text, entry)
        }
        return key
    }
}
