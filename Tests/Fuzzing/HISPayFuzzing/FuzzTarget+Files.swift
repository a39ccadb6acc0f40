import Alipay
import Foundation
import HISPayCompression
import HISPayCore
import HISPayCrypto
import HISPayCurl
import MedicalInsurance
import Reconciliation
import UnionPay
import WeChatPay

/// The targets for files people edit: the configuration file and the HIS ledger CSV.
extension FuzzTarget {
    /// The configuration file: the JSON, the merchant list, every channel block a merchant has and
    /// the transport block, in a directory holding key files the seeds name (`merchant.pem`,
    /// `platform.pem`, `sm2.pem`, `sm2.pub`, `root.pem`, `sign.pfx` with password `fuzz`).
    public static let configuration = FuzzTarget(
        name: "config", summary: "HISPayConfiguration and every channel's configuration block"
    ) { data in
        let directory = KeyFiles.shared.directory
        return typedOutcome([ConfigurationError.self, CryptoError.self, ChannelError.self]) {
            let configuration = try HISPayConfiguration(json: data, baseDirectory: directory, environment: ["HISPAY_FUZZ_SECRET": "FUZZfuzzFUZZfuzzFUZZfuzzFUZZfuzz"])
            _ = try CurlTransport.Configuration(settings: configuration.transport)
            for merchant in configuration.merchants {
                if let block = merchant.block(for: .wechatPay) { _ = try WeChatPayV3Configuration(block: block) }
                if let block = merchant.block(for: .wechatPayV2) { _ = try WeChatPayV2Configuration(block: block) }
                if let block = merchant.block(for: .alipay) { _ = try AlipayConfiguration(block: block) }
                if let block = merchant.block(for: .unionPay) { _ = try UnionPayConfiguration(block: block) }
                if let block = merchant.block(for: .insurance) {
                    _ = try NHSAProfile(block: block)
                    if let mobilePay = try block.block("mobilePay") { _ = try MobilePayCredentials(block: mobilePay) }
                }
            }
        }
    }

    /// The HIS ledger CSV (UTF-8 or GBK, any column order), read from a file as `hispay reconcile` does.
    public static let ledgerCSV = FuzzTarget(name: "ledger-csv", summary: "LedgerCSV: the HIS ledger") { data in
        let url = KeyFiles.shared.directory.appendingPathComponent("ledger-\(getpid()).csv")
        do { try data.write(to: url) } catch { preconditionFailure("cannot write the ledger input: \(error)") }
        return typedOutcome([ReconciliationError.self]) {
            try LedgerCSV(url: url).forEach { record in
                precondition(!record.amount.isNegative, "a ledger row has a negative amount")
            }
        }
    }

    /// A partner's XLSX order file: mode bit 0 clear — the input is the workbook; set — the input is
    /// the first sheet's XML, zipped by the harness with a workbook naming it. An accepted workbook's
    /// rows are numbered from 1 upwards, each once.
    public static let partnerWorkbook = FuzzTarget(name: "partner-xlsx", summary: "XLSXSheet: a partner's workbook (zip, SpreadsheetML)") { data in
        let input = FuzzInput(data)
        var workbook = input.payload
        if input.mode & 1 == 1 {
            let names = Data(#"<workbook><sheets><sheet name="s" r:id="rId1"/></sheets></workbook>"#.utf8)
            do { workbook = try ZipWriter.archive([("xl/workbook.xml", names), ("xl/worksheets/sheet1.xml", input.payload)]) } catch {
                preconditionFailure("the harness cannot zip a sheet: \(error)")
            }
        }
        do throws(XLSXSheet.Error) {
            let rows = try XLSXSheet.rows(workbook, file: "fuzz.xlsx")
            precondition(rows.map(\.line) == Array(1..<(rows.count + 1)), "a workbook's rows are not numbered 1…n")
            return .accepted
        } catch {
            return .rejected(error.description)
        }
    }

    /// The key files the configuration seeds name, written once to a temporary directory.
    private struct KeyFiles: Sendable {
        static let shared: KeyFiles = {
            do { return try KeyFiles() } catch { preconditionFailure("fuzz key files could not be written: \(error)") }
        }()

        let directory: URL

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("hispay-fuzz-\(getpid())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let keys = FuzzKeys.shared
            let files: [String: Data] = [
                "merchant.pem": Data(try keys.alipayKey.pkcs8PEM().utf8),
                "platform.pem": Data(try keys.platformKey.publicKey.pemRepresentation.utf8),
                "sm2.pem": Data(try keys.mobilePayHospitalKey.pkcs8PEM().utf8),
                "sm2.pub": Data(try keys.mobilePayCentreKey.publicKey.pemRepresentation.utf8),
                "root.pem": Data(keys.unionPayRoot.pemRepresentation.utf8),
                "middle.pem": Data(keys.unionPayMiddle.pemRepresentation.utf8),
                "sign.pfx": Data(try PKCS12Bundle(privateKey: keys.unionPayKey, certificate: keys.unionPayCertificate).der(password: "fuzz")),
            ]
            for (name, contents) in files { try contents.write(to: directory.appendingPathComponent(name)) }
        }
    }
}

/// The outcome of a call whose errors are untyped: an error of a type outside `allowed` is a finding
/// (the API promises typed errors naming what is wrong), and traps.
func typedOutcome(_ allowed: [any Error.Type], _ body: () throws -> Void) -> FuzzOutcome {
    do {
        try body()
        return .accepted
    } catch {
        precondition(allowed.contains { type(of: error) == $0 }, "an error of an unexpected type: \(type(of: error))")
        return .rejected("\(error)")
    }
}
