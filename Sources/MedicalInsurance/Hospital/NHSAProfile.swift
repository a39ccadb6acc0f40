import Foundation
import HISPayCore

/// The hospital's identity on the national platform, from the `insurance` configuration block:
///
/// ```json
/// "insurance": {"fixmedinsCode": "H44010600001", "fixmedinsName": "广州市某某医院", "mdtrtareaAdmvs": "440100",
///               "gateway": "https://fsi.example.gov.cn/fsi/api/rsfComIfrsvr", "paasId": "…", "paasToken": "env:NHSA_PAAS_TOKEN",
///               "operator": "0001", "operatorName": "收费员甲",
///               "mobilePay": {"appId": "…", "appSecret": "env:NHSA_APP_SECRET", "privateKey": "keys/nhsa_sm2.key",
///                             "platformPublicKey": "keys/nhsa_platform.pub", "signId": "appSecret",
///                             "gateway": "https://mobile.example.gov.cn"}}
/// ```
public struct NHSAProfile: Sendable {
    /// `fixmedins_code`: 定点医药机构编号 (12 characters; the first part of every `msgid`).
    public var fixmedinsCode: String
    public var fixmedinsName: String
    /// `mdtrtarea_admvs`: 就医地医保区划.
    public var mdtrtareaAdmvs: String
    public var gateway: String
    /// Provincial gateway credentials for the `x-tif-*` headers, when the province requires them.
    public var paasID: String?
    var paasToken: String?
    public var operatorID: String
    public var operatorName: String
    /// `opter_type`: 1 operator, 2 self-service terminal, 3 mobile.
    public var operatorType: String
    public var interfaceVersion: String
    public var receiverSystemCode: String
    /// Where the province differs from the national specification (`region` block).
    public var region: NHSARegion

    public static let keys: Set<String> = [
        "fixmedinsCode", "fixmedinsName", "mdtrtareaAdmvs", "gateway", "paasId", "paasToken", "operator", "operatorName", "operatorType",
        "infver", "mobilePay", "region",
    ]

    public init(
        fixmedinsCode: String, fixmedinsName: String, mdtrtareaAdmvs: String, gateway: String, paasID: String? = nil, paasToken: String? = nil,
        operatorID: String = "0001", operatorName: String = "HISPay", operatorType: String = "1", interfaceVersion: String = "V1.0",
        receiverSystemCode: String = "YBXT", region: NHSARegion = .national
    ) {
        self.fixmedinsCode = fixmedinsCode
        self.fixmedinsName = fixmedinsName
        self.mdtrtareaAdmvs = mdtrtareaAdmvs
        self.gateway = gateway
        self.paasID = paasID
        self.paasToken = paasToken
        self.operatorID = operatorID
        self.operatorName = operatorName
        self.operatorType = operatorType
        self.interfaceVersion = interfaceVersion
        self.receiverSystemCode = receiverSystemCode
        self.region = region
    }

    public init(block: ConfigBlock) throws {
        try block.rejectUnknownKeys(allowed: Self.keys)
        self.init(
            fixmedinsCode: try block.string("fixmedinsCode"), fixmedinsName: try block.string("fixmedinsName"),
            mdtrtareaAdmvs: try block.string("mdtrtareaAdmvs"), gateway: try block.string("gateway"), paasID: try block.optionalString("paasId"),
            paasToken: try block.optionalString("paasToken"), operatorID: try block.optionalString("operator") ?? "0001",
            operatorName: try block.optionalString("operatorName") ?? "HISPay", operatorType: try block.optionalString("operatorType") ?? "1",
            interfaceVersion: try block.optionalString("infver") ?? "V1.0", region: try block.block("region").map(NHSARegion.init(block:)) ?? .national)
        if (paasID == nil) != (paasToken == nil) { throw ConfigurationError(.missingKey, "\(block.path): paasId and paasToken go together") }
    }
}
