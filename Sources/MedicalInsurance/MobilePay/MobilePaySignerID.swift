import HISPayCrypto
import Logging

/// The SM2 distinguishing ID the mobile-payment centre signs and verifies under.
///
/// The platform's own utility, as hospital-side code copies it (`HseEncAndDecUtil` in
/// newtouch-cloud/openhis-itaii `openhis-server/openhis-ybapp/.../utils/HseEncAndDecUtil.java`), passes
/// the appSecret's bytes as the ID; a few `EasyGmUtils` copies drop it and sign under the GM/T 0009
/// default `1234567812345678`. ``appSecret`` is the default; a region can pin ``standard`` or a
/// ``custom(_:)`` ID. ``description`` never shows the appSecret or a custom ID.
public enum MobilePaySignerID: Sendable, Hashable, CustomStringConvertible {
    /// The appSecret's UTF-8 bytes (the platform utility's choice).
    case appSecret
    /// The GM/T 0009 default `1234567812345678`.
    case standard
    /// Another ID a region prescribes.
    case custom(String)

    /// Reads the `signId` configuration value: absent or `appSecret` → ``appSecret``,
    /// `1234567812345678` → ``standard``, anything else → ``custom(_:)``.
    public init(configured value: String?) {
        switch value {
        case nil, "appSecret"?: self = .appSecret
        case SM2.defaultIdentifier?: self = .standard
        case let other?: self = .custom(other)
        }
    }

    /// The ID's text for `appSecret`.
    func identifier(appSecret: String) -> String {
        switch self {
        case .appSecret: appSecret
        case .standard: SM2.defaultIdentifier
        case .custom(let id): id
        }
    }

    /// The IDs an answer is also checked under when it does not verify under this one: the
    /// appSecret and the standard ID, in that order, without this one.
    var alternatives: [MobilePaySignerID] { [.appSecret, .standard].filter { $0 != self } }

    /// Warns when an answer verified under this ID rather than the one `credentials` configure, so
    /// the operator can pin it (`insurance.mobilePay.signId`).
    func warnIfNot(_ credentials: MobilePayCredentials, logger: Logger, what: String) {
        guard self != credentials.signerID else { return }
        logger.warning(
            "mobile-pay \(what) verified under \(self) as SM2 ID, not under \(credentials.signerID) (insurance.mobilePay.signId): pin the one that matched",
            metadata: ["appId": "\(credentials.appID)"])
    }

    public var description: String {
        switch self {
        case .appSecret: "the appSecret"
        case .standard: "the standard ID \(SM2.defaultIdentifier)"
        case .custom(let id): "a custom ID (\(id.utf8.count) bytes)"
        }
    }
}
