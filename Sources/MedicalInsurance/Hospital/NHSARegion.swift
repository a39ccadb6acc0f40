import HISPayCore

/// Where a province's deployment of the national platform differs from the national specification,
/// as the `insurance.region` configuration block says; every value defaults to the national one.
///
/// ```json
/// "region": {"faceScanCertificateType": "01", "zipDetailFile": true, "balancedResults": ["0", "000000"]}
/// ```
public struct NHSARegion: Sendable, Hashable {
    /// `mdtrt_cert_type` of a terminal face scan: `01` (it yields an e-voucher token; the national
    /// dictionary 7.35 has no code of its own for it).
    public var faceScanCertificateType: String
    /// Whether the 3202 settlement list is uploaded (9101) as a zip archive holding the text file,
    /// as the national file interface describes (`false` sends the text file itself).
    public var zipDetailFile: Bool
    /// `stmt_rslt` values that mean "balanced" in 3201/3202 answers: `0` and `000000` are both seen in
    /// public hospital-side code.
    public var balancedResults: Set<String>

    /// The national defaults.
    public static let national = NHSARegion(faceScanCertificateType: "01", zipDetailFile: true, balancedResults: ["0", "000000"])

    public init(faceScanCertificateType: String, zipDetailFile: Bool, balancedResults: Set<String>) {
        self.faceScanCertificateType = faceScanCertificateType
        self.zipDetailFile = zipDetailFile
        self.balancedResults = balancedResults
    }

    public static let keys: Set<String> = ["faceScanCertificateType", "zipDetailFile", "balancedResults"]

    /// Reads the `insurance.region` block; absent keys keep their national value.
    public init(block: ConfigBlock) throws {
        try block.rejectUnknownKeys(allowed: Self.keys)
        var region = Self.national
        if let type = try block.optionalString("faceScanCertificateType") { region.faceScanCertificateType = type }
        if let zip = try block.bool("zipDetailFile") { region.zipDetailFile = zip }
        if block.has("balancedResults"), let results = block.entries["balancedResults"] {
            let texts = results.arrayValue.compactMap(\.text)
            guard !texts.isEmpty, texts.count == results.arrayValue.count else {
                throw ConfigurationError(.invalidValue, "\(block.path).balancedResults must be a non-empty list of strings")
            }
            region.balancedResults = Set(texts)
        }
        self = region
    }
}
