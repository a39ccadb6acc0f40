import Alipay
import Foundation
import HISPayCore
import MedicalInsurance
import UnionPay
import WeChatPay
import ZIPFoundation

/// The statement targets: each parser takes the whole file; an accepted file must give records with
/// non-negative amounts, as many as the totals the parser accepted it with count.
extension FuzzTarget {
    /// The WeChat Pay trade bill (CSV with backtick-prefixed fields and a summary row).
    public static let wechatPayStatement = FuzzTarget(name: "statement-wechatpay", summary: "WeChatPayBillParser: the trade bill") { data in
        outcome { () throws(ChannelError) in
            let (records, summary) = try WeChatPayBillParser.parse(data)
            checkRecords(records, count: summary.count)
        }
    }

    /// The Alipay bill: mode bit 0 clear — the input is the archive itself; set — the input is the
    /// detail CSV (GBK), zipped by the harness in the published layout.
    public static let alipayStatement = FuzzTarget(name: "statement-alipay", summary: "AlipayBillParser: the zip of GBK CSV files") { data in
        let input = FuzzInput(data)
        let archive = input.mode & 1 == 0 ? input.payload : zip(input.payload, as: "20880000000000000156_20261122_业务明细.csv")
        return outcome { () throws(ChannelError) in
            let (records, summary) = try AlipayBillParser.parse(archive: archive)
            checkRecords(records, count: summary.paymentCount + summary.refundCount + summary.unclassifiedCount)
        }
    }

    /// The UnionPay ZM file: mode bit 0 clear — the input is a bare ZM file of 2026-11-22; set — the
    /// input is what the file transfer returned (a zip, or anything else).
    public static let unionPayStatement = FuzzTarget(name: "statement-unionpay", summary: "UnionPayZMParser: ZM records (fixed byte offsets)") { data in
        let input = FuzzInput(data)
        return outcome { () throws(ChannelError) in
            var records: [StatementRecord] = []
            let summary = try UnionPayZMParser.parse(input.payload, settlementDate: input.mode & 1 == 0 ? "2026-11-22" : nil) { records.append($0) }
            checkRecords(records, count: summary.count + summary.adjustmentCount)
        }
    }

    /// The NHSA's 3202 result file the reconciliation reads (zipped or tab-separated text).
    public static let insuranceStatement = FuzzTarget(name: "statement-insurance", summary: "DetailReconciliationResult.statementRecords") { data in
        outcome { () throws(ChannelError) in
            let records = try DetailReconciliationResult(file: data).statementRecords(time: FuzzKeys.now)
            checkRecords(records, count: records.count)
        }
    }

    /// `contents` as the only entry of a zip archive called `name`.
    private static func zip(_ contents: Data, as name: String) -> Data {
        do {
            let archive = try Archive(data: Data(), accessMode: .create)
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(contents.count), compressionMethod: .deflate) { position, size in
                contents.subdata(in: Int(position)..<Int(position) + size)
            }
            guard let data = archive.data else { preconditionFailure("the in-memory archive has no data") }
            return data
        } catch {
            preconditionFailure("zipping the input failed: \(error)")
        }
    }
}

/// An accepted statement's records: as many as its totals count, none with a negative amount.
func checkRecords(_ records: [StatementRecord], count: Int) {
    precondition(records.count == count, "the statement was accepted with \(count) rows counted but \(records.count) records")
    for record in records {
        precondition(!record.amount.isNegative, "a statement record has a negative amount")
    }
}
