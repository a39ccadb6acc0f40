import Foundation
import HISPayCore
import HISPayCrypto
import Logging

extension MobilePayCredentials {
    /// The keys of the `insurance.mobilePay` block.
    package static let configurationKeys: Set<String> = ["appId", "appSecret", "privateKey", "platformPublicKey", "signId", "gateway", "paths"]

    /// Reads the `insurance.mobilePay` block: `appId`, `appSecret`, `privateKey` (a file holding the
    /// SM2 key as PEM, or base64/hex of the raw scalar), `platformPublicKey` (PEM, or base64/hex of
    /// `04‖X‖Y`), `signId` (`appSecret` by default, `1234567812345678` or a region's own ID; see
    /// ``MobilePaySignerID``). `gateway` and `paths` are the client's (``MobilePayClient/init(block:transport:logger:)``).
    public init(block: ConfigBlock) throws {
        try block.rejectUnknownKeys(allowed: Self.configurationKeys)
        let privateKey = try block.fileValue("privateKey") { bytes in
            let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return text.contains("-----BEGIN") ? try PrivateKey(pem: text) : try PrivateKey(sm2Scalar: Self.rawBytes(text))
        }
        let publicKey = try block.fileValue("platformPublicKey") { bytes in
            let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return text.contains("-----BEGIN") ? try PublicKey(pem: text) : try PublicKey(sm2Point: Self.rawBytes(text))
        }
        self.init(
            appID: try block.string("appId"), appSecret: try block.string("appSecret"), privateKey: privateKey, platformPublicKey: publicKey,
            signerID: MobilePaySignerID(configured: try block.optionalString("signId")))
    }

    /// Hex when the text is all hex digits of an even length, else base64.
    static func rawBytes(_ text: String) throws -> [UInt8] {
        if text.count % 2 == 0, text.allSatisfy(\.isHexDigit) { return try Hex.decode(text) }
        return try Base64.decode(text)
    }
}

extension MobilePayClient {
    /// The client the `insurance.mobilePay` block describes: its credentials, `gateway` (the centre's
    /// base URL) and `paths` (`{"6201": "/…", …}` for the transactions whose path differs from
    /// `MobilePayAPI/defaultPath`; an unknown code or a path not starting with `/` is refused).
    public convenience init(
        block: ConfigBlock, transport: any HTTPTransport, logger: Logger = .silent
    ) throws {
        var paths: [String: String] = [:]
        if let configured = try block.block("paths") {
            try configured.rejectUnknownKeys(allowed: Set(MobilePayAPI.all.keys))
            for code in configured.keys {
                let path = try configured.string(code)
                guard path.hasPrefix("/") else { throw ConfigurationError(.invalidValue, "\(configured.path).\(code) must start with /") }
                paths[code] = path
            }
        }
        self.init(
            credentials: try MobilePayCredentials(block: block), gateway: try block.string("gateway"), paths: paths, transport: transport, logger: logger)
    }
}
