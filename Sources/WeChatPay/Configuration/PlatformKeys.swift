import Foundation
import HISPayCore
import HISPayCrypto

/// The keys WeChat Pay signs answers and callbacks with: platform certificates by serial (several
/// valid at once during rotation) and/or the WeChat Pay public key with its `PUB_KEY_ID_…` — both
/// during the migration period, when `Wechatpay-Serial` may name either.
public struct PlatformKeys: Sendable {
    /// Platform certificates by upper-case hex serial.
    public private(set) var certificates: [String: Certificate]
    /// The WeChat Pay public key id (`PUB_KEY_ID_…`), in public-key mode.
    public let publicKeyID: String?
    /// The WeChat Pay public key, in public-key mode.
    public let publicKey: PublicKey?

    public init(certificates: [Certificate] = [], publicKeyID: String? = nil, publicKey: PublicKey? = nil) {
        self.certificates = Dictionary(certificates.map { ($0.serialNumberHex, $0) }, uniquingKeysWith: { $1 })
        self.publicKeyID = publicKeyID
        self.publicKey = publicKey
    }

    /// Adds (or replaces) certificates, e.g. after a verified download.
    public mutating func add(_ newCertificates: [Certificate]) {
        for certificate in newCertificates { certificates[certificate.serialNumberHex] = certificate }
    }

    /// Whether any key is configured.
    public var isEmpty: Bool { certificates.isEmpty && publicKey == nil }

    /// The key `serial` names, checked valid at `now`; throws `ChannelError/Code/unknownSigningKey`
    /// for an unknown serial and `ChannelError/Code/certificateInvalid` for an expired certificate.
    public func key(forSerial serial: String, at now: Date) throws(ChannelError) -> PublicKey {
        if let publicKeyID, let publicKey, serial == publicKeyID { return publicKey }
        guard let certificate = certificates[serial.uppercased()] else {
            let known = (certificates.keys.sorted() + [publicKeyID].compactMap { $0 }).joined(separator: ", ")
            throw ChannelError(
                .unknownSigningKey, channel: .wechatPay,
                reason: "Wechatpay-Serial \(serial) is neither a configured platform certificate nor the public-key id (known: \(known.isEmpty ? "none" : known))")
        }
        do {
            try certificate.checkValidity(at: now)
            return try certificate.publicKey
        } catch {
            throw ChannelError(.certificateInvalid, channel: .wechatPay, reason: "platform certificate \(serial): \(error)")
        }
    }

    /// The key to encrypt sensitive request fields to, with the serial to send as
    /// `Wechatpay-Serial`: the public key in public-key mode, otherwise the valid platform
    /// certificate that expires last.
    public func encryptionKey(at now: Date) throws(ChannelError) -> (serial: String, key: PublicKey) {
        if let publicKeyID, let publicKey { return (publicKeyID, publicKey) }
        let valid = certificates.values.filter { (try? $0.checkValidity(at: now)) != nil }
        guard let newest = valid.max(by: { $0.notAfter < $1.notAfter }) else {
            throw ChannelError(
                .certificateInvalid, channel: .wechatPay,
                reason: "no platform certificate valid now to encrypt sensitive fields to (refresh the platform certificates)")
        }
        do {
            return (newest.serialNumberHex, try newest.publicKey)
        } catch {
            throw ChannelError(.certificateInvalid, channel: .wechatPay, reason: "platform certificate \(newest.serialNumberHex): \(error)")
        }
    }
}
