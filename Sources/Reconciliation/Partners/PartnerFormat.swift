import Foundation
import HISPayCore

/// How one resource-pool partner (an internet-medical platform selling the hospital's
/// registrations) writes its order file — one entry of the configuration's `partners` list:
///
/// ```json
/// {"name": "jk160", "displayName": "健康160", "encoding": "gbk", "skipRows": 2, "footerRows": 1,
///  "columns": {"orderNo": "医院订单号", "amount": "支付金额", "time": "下单时间", "status": "订单状态", "commission": "佣金"},
///  "paidStatuses": ["已支付"], "refundedStatuses": ["已退款"], "amountUnit": "yuan", "collectedBy": "hospital"}
/// ```
///
/// `orderNo` is the hospital's order number (the `out_trade_no` its channels and HIS know);
/// `amount` and `orderNo` are required, the other columns optional. `encoding` is `utf-8`, `gbk` or
/// `auto` (UTF-8, else GBK; the default). `skipRows` lines come before the header row and
/// `footerRows` lines (totals) after the last order. `collectedBy` says who took the patient's money:
/// `hospital` (through the hospital's own channel account, the default: matched three ways) or
/// `partner` (the partner settles later: HIS ↔ partner only).
public struct PartnerFormat: Sendable, Hashable {
    public enum Encoding: String, Sendable, Hashable {
        case utf8 = "utf-8"
        case gbk
        case auto
    }

    public var name: String
    public var displayName: String
    public var encoding: Encoding
    public var skipRows: Int
    public var footerRows: Int
    /// Column names in the partner's file, by field (`orderNo`, `amount`, `time`, `status`, `commission`).
    public var columns: [String: String]
    public var paidStatuses: Set<String>
    public var refundedStatuses: Set<String>
    /// Amounts in `yuan` (`12.30`, the default) or `fen`.
    public var amountInFen: Bool
    public var collectedByPartner: Bool

    static let fields: Set<String> = ["orderNo", "amount", "time", "status", "commission"]
    static let keys: Set<String> = [
        "name", "displayName", "encoding", "skipRows", "footerRows", "columns", "paidStatuses", "refundedStatuses", "amountUnit", "collectedBy",
    ]

    /// Reads one `partners[i]` block; errors name the key.
    public init(block: ConfigBlock) throws(ConfigurationError) {
        try block.rejectUnknownKeys(allowed: Self.keys)
        name = try block.string("name")
        displayName = try block.optionalString("displayName") ?? name
        let encodingName = try block.optionalString("encoding") ?? "auto"
        guard let encoding = Encoding(rawValue: encodingName.lowercased()) else {
            throw ConfigurationError(.invalidValue, "\(block.path).encoding is \(encodingName): utf-8, gbk or auto")
        }
        self.encoding = encoding
        skipRows = try block.int("skipRows") ?? 0
        footerRows = try block.int("footerRows") ?? 0
        guard skipRows >= 0, footerRows >= 0 else { throw ConfigurationError(.invalidValue, "\(block.path).skipRows and footerRows must be ≥ 0") }
        guard let columnBlock = try block.block("columns") else { throw ConfigurationError(.missingKey, "\(block.path).columns is required") }
        try columnBlock.rejectUnknownKeys(allowed: Self.fields)
        var columns: [String: String] = [:]
        for field in Self.fields { columns[field] = try columnBlock.optionalString(field) }
        guard columns["orderNo"] != nil, columns["amount"] != nil else {
            throw ConfigurationError(.missingKey, "\(block.path).columns needs orderNo and amount")
        }
        self.columns = columns
        paidStatuses = try Self.strings(block, "paidStatuses") ?? ["已支付", "支付成功", "成功", "paid", "success", "SUCCESS"]
        refundedStatuses = try Self.strings(block, "refundedStatuses") ?? ["已退款", "退款成功", "refunded", "REFUND"]
        let unit = try block.optionalString("amountUnit") ?? "yuan"
        guard unit == "yuan" || unit == "fen" else { throw ConfigurationError(.invalidValue, "\(block.path).amountUnit is \(unit): yuan or fen") }
        amountInFen = unit == "fen"
        let collector = try block.optionalString("collectedBy") ?? "hospital"
        guard collector == "hospital" || collector == "partner" else {
            throw ConfigurationError(.invalidValue, "\(block.path).collectedBy is \(collector): hospital or partner")
        }
        collectedByPartner = collector == "partner"
    }

    /// The `partners` list of a configuration (empty when absent).
    public static func all(in root: ConfigBlock) throws(ConfigurationError) -> [PartnerFormat] {
        var formats: [PartnerFormat] = []
        for block in try root.blocks("partners") {
            let format = try PartnerFormat(block: block)
            guard !formats.contains(where: { $0.name == format.name }) else {
                throw ConfigurationError(.invalidValue, "\(block.path).name \(format.name) is used twice")
            }
            formats.append(format)
        }
        return formats
    }

    private static func strings(_ block: ConfigBlock, _ key: String) throws(ConfigurationError) -> Set<String>? {
        guard let value = block.entries[key], value != .null else { return nil }
        guard case .array(let items) = value else { throw ConfigurationError(.invalidValue, "\(block.path).\(key) must be a list of strings") }
        var strings: Set<String> = []
        for item in items {
            guard case .string(let text) = item else { throw ConfigurationError(.invalidValue, "\(block.path).\(key) must be a list of strings") }
            strings.insert(text)
        }
        return strings
    }
}
