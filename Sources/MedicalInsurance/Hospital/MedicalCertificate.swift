import HISPayCore

/// How the patient proves their insurance at the counter (就诊凭证, `mdtrt_cert_type`): the national
/// dictionary 7.35 has `01` 医保电子凭证 (the e-voucher's `ecToken`), `02` 居民身份证, `03` 社会保障卡
/// (the card number, with its `card_sn` — 卡识别码, required for type 03), as public hospital-side code
/// carries it (newtouch-cloud/openhis-itaii `openhis-common/.../ybenums/YbMdtrtCertType.java`;
/// binzhe12123/Medical `SY.Com.Medical.Model/SYB/JBXX/RY1101.cs`). A face scan (刷脸) at a terminal
/// yields an e-voucher token; its type is ``NHSARegion/faceScanCertificateType`` (`01` nationally).
///
/// ``description`` masks the number: it may be a resident ID number or a token.
public enum MedicalCertificate: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The e-voucher (医保电子凭证) scanned from the patient's phone: its `ecToken`.
    case electronicVoucher(token: String)
    /// A face scan at a self-service terminal: the token it returned.
    case faceScan(token: String)
    /// The resident identity card (居民身份证): an 18-character number with a valid check character.
    case residentID(number: String)
    /// The social-security card (社会保障卡): card number and card serial (`card_sn`).
    case socialSecurityCard(number: String, serial: String)

    /// `mdtrt_cert_type` under `region`.
    public func type(in region: NHSARegion) -> String {
        switch self {
        case .electronicVoucher: "01"
        case .faceScan: region.faceScanCertificateType
        case .residentID: "02"
        case .socialSecurityCard: "03"
        }
    }

    /// `mdtrt_cert_no`.
    public var number: String {
        switch self {
        case .electronicVoucher(let token), .faceScan(let token): token
        case .residentID(let number), .socialSecurityCard(let number, _): number
        }
    }

    /// `card_sn` (type 03 only).
    public var cardSerial: String? {
        if case .socialSecurityCard(_, let serial) = self { return serial }
        return nil
    }

    /// Throws `ChannelError/Code/invalidRequest` naming what is missing or malformed — never the
    /// number itself.
    public func validate() throws(ChannelError) {
        guard !number.isEmpty else { throw ChannelError(.invalidRequest, channel: .insurance, reason: "\(kind) has no number (mdtrt_cert_no)") }
        switch self {
        case .residentID(let number) where !ResidentIDNumber.isValid(number):
            throw ChannelError(.invalidRequest, channel: .insurance, reason: "the resident ID number (mdtrt_cert_no) is not 18 characters with a valid check character")
        case .socialSecurityCard(_, let serial) where serial.isEmpty:
            throw ChannelError(.invalidRequest, channel: .insurance, reason: "a social-security card needs its card serial (card_sn) for mdtrt_cert_type 03")
        default: break
        }
    }

    private var kind: String {
        switch self {
        case .electronicVoucher: "the e-voucher"
        case .faceScan: "the face scan"
        case .residentID: "the resident ID card"
        case .socialSecurityCard: "the social-security card"
        }
    }

    public var description: String {
        let masked = number.count > 8 ? String(number.prefix(4)) + String(repeating: "*", count: number.count - 8) + String(number.suffix(4)) : "****"
        return "\(kind) \(masked)"
    }
}
