import Foundation
import HISPayCore
import HISPayCrypto

/// The answer of `GET /v3/certificates`: platform certificates encrypted with the APIv3 key.
/// ``certificates(apiV3Key:)`` decrypts them and checks each serial against `serial_no`;
/// ``verifiedCertificates(response:apiV3Key:trusted:now:)`` also requires the answer's own signature
/// to verify — with an already trusted key, or (first download) with one of the certificates it
/// carries — so an unverified download is never trusted.
package struct PlatformCertificateDownload: Sendable {
    package struct Entry: Sendable {
        package let serialNo: String
        package let effectiveTime: String?
        package let expireTime: String?
        package let encryptCertificate: WeChatPayNotification.Resource
    }

    package let data: [Entry]

    /// Parses the answer body.
    package init(body: Data) throws(ChannelError) {
        do {
            var entries: [Entry] = []
            for entry in try WeChatPayJSONObject(body).objects("data") {
                entries.append(Entry(
                    serialNo: try entry.string("serial_no"), effectiveTime: try entry.optionalString("effective_time"),
                    expireTime: try entry.optionalString("expire_time"),
                    encryptCertificate: try WeChatPayNotification.Resource(entry.object("encrypt_certificate"))))
            }
            data = entries
        } catch {
            throw ChannelError(.invalidResponse, channel: .wechatPay, reason: "certificate download answer: \(error)")
        }
    }

    /// Decrypts every certificate and checks its serial.
    package func certificates(apiV3Key: APIv3Key) throws(ChannelError) -> [Certificate] {
        var out: [Certificate] = []
        for entry in data {
            let pem = try entry.encryptCertificate.decrypt(apiV3Key: apiV3Key, what: "platform certificate \(entry.serialNo)")
            let certificate: Certificate
            do { certificate = try Certificate(pem: String(decoding: pem, as: UTF8.self)) } catch {
                throw ChannelError(.invalidResponse, channel: .wechatPay, reason: "platform certificate \(entry.serialNo) is not a certificate: \(error)")
            }
            guard certificate.serialNumberHex == entry.serialNo.uppercased() else {
                throw ChannelError(
                    .certificateInvalid, channel: .wechatPay,
                    reason: "downloaded certificate serial \(certificate.serialNumberHex) differs from serial_no \(entry.serialNo)")
            }
            out.append(certificate)
        }
        return out
    }

    /// The certificates of a download answer whose signature verifies.
    package static func verifiedCertificates(
        response: HTTPResponse, apiV3Key: APIv3Key, trusted: PlatformKeys, now: Date
    ) throws(ChannelError) -> [Certificate] {
        let certificates = try PlatformCertificateDownload(body: response.body).certificates(apiV3Key: apiV3Key)
        var keys = trusted
        let serial = WeChatPayV3Verifier.serial(in: response.headers) ?? ""
        if (try? keys.key(forSerial: serial, at: now)) == nil {
            // First download (or the signer rotated): only a certificate from this same answer may
            // vouch for it, and only because the APIv3 key decrypted it.
            keys.add(certificates.filter { $0.serialNumberHex == serial.uppercased() })
        }
        try WeChatPayV3Verifier(keys: keys).verify(headers: response.headers, body: response.body, now: now)
        return certificates.filter { (try? $0.checkValidity(at: now)) != nil }
    }
}
